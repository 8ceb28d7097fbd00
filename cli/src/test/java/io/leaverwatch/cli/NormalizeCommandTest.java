package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.core.json.AuditEventJson;
import io.leaverwatch.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizeCommandTest {
  private static final String CLOUDTRAIL =
      "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\"},"
          + "\"eventTime\":\"2024-03-01T10:00:00Z\",\"eventSource\":\"iam.amazonaws.com\","
          + "\"eventName\":\"DeleteUser\",\"requestParameters\":{\"userName\":\"bob\"},\"eventID\":\"e1\"}";

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static String rules() {
    String p = System.getProperty("leaverwatch.rules");
    return p != null ? p : Path.of("..", "rules").toString();
  }

  @Test
  void normalisesAFolderAndCountsEverything(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    Files.writeString(
        in.resolve("a.ndjson"),
        CLOUDTRAIL
            + "\n{\"hello\":1}\n{\"Records\":["
            + CLOUDTRAIL.replace("e1", "e2")
            + ","
            + CLOUDTRAIL.replace("e1", "e3")
            + "]}\n{\"broken\":\n");
    Files.write(
        in.resolve("b.ndjson"),
        new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xff, '"', '}', '\n'});
    Path out = dir.resolve("out/events.ndjson");
    Path dlq = dir.resolve("out/rejected.ndjson");
    Run r =
        run(
            "normalize",
            "--in",
            in.toString(),
            "--out",
            out.toString(),
            "--dlq",
            dlq.toString(),
            "--rules",
            rules());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("records in: 6, events out: 3, rejected: 3");
    List<String> events = Files.readAllLines(out);
    assertThat(events).hasSize(3);
    assertThat(AuditEventJson.read(events.get(0)).getTargets().get(0).getLogin()).isEqualTo("bob");
    List<String> rejected = Files.readAllLines(dlq);
    assertThat(rejected).hasSize(3);
    JsonNode first = Json.mapper().readTree(rejected.get(0));
    assertThat(first.get("reason").asText()).startsWith("unknown source");
    assertThat(first.get("cursor").asText()).isEqualTo("line 2");
    assertThat(first.get("original").asText()).isEqualTo("{\"hello\":1}");
    JsonNode binary = Json.mapper().readTree(rejected.get(2));
    assertThat(binary.get("original_base64").asText()).isNotEmpty();
  }

  @Test
  void badArgumentsExitWithTwo(@TempDir Path dir) throws Exception {
    Run missing =
        run(
            "normalize",
            "--in",
            dir.resolve("nope").toString(),
            "--out",
            dir.resolve("o.ndjson").toString(),
            "--rules",
            rules());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("--in: no such file or folder").contains("nope");
    Path in = dir.resolve("a.ndjson");
    Files.writeString(in, CLOUDTRAIL + "\n");
    Files.createDirectories(dir.resolve("dir-not-file"));
    Run unwritable =
        run(
            "normalize",
            "--in",
            in.toString(),
            "--out",
            dir.resolve("dir-not-file").toString(),
            "--rules",
            rules());
    assertThat(unwritable.exit()).isEqualTo(2);
    assertThat(unwritable.err()).contains("--out: cannot write");
    assertThat(run("normalize", "--out", "x").exit()).isEqualTo(2);
  }

  @Test
  void helpWorks() {
    Run help = run("normalize", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--in").contains("--dlq");
  }
}
