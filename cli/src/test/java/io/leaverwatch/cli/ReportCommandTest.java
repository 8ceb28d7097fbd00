package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  @TempDir Path dir;
  Path departures;
  Path findings;
  Path steps;

  @BeforeEach
  void files() throws Exception {
    departures = dir.resolve("departures.csv");
    Files.writeString(
        departures,
        "person_id,email,role,notice_at,departed_at,status\n"
            + "p1,alice@corp.example.com,analyst,,2026-10-06T10:00:00Z,DEPARTED\n");
    steps = dir.resolve("steps.ndjson");
    Files.writeString(
        steps,
        "{\"status_id\":\"s1\",\"person_id\":\"p1\",\"email\":\"alice@corp.example.com\","
            + "\"role\":\"analyst\",\"system\":\"okta\",\"identity\":\"00ualice\","
            + "\"step_id\":\"okta-deactivate\",\"status\":\"ON_TIME\","
            + "\"departed_at\":\"2026-10-06T10:00:00Z\",\"deadline\":\"2026-10-06T11:00:00Z\","
            + "\"completed_at\":\"2026-10-06T10:05:00Z\",\"time_to_revoke_ms\":300000,"
            + "\"evidence_event_ids\":[\"ev1\"],\"rule_id\":\"r\",\"detail\":null,\"revision\":0}\n");
    findings = dir.resolve("findings.ndjson");
    Files.writeString(findings, "");
  }

  @Test
  void writesTheFiveFilesAndAManifestWithTheirChecksums() throws Exception {
    Path out = dir.resolve("out");
    Run r =
        run(
            "report",
            "--week",
            "2026-W41",
            "--findings",
            findings.toString(),
            "--steps",
            steps.toString(),
            "--departures",
            departures.toString(),
            "--out",
            out.toString());

    assertThat(r.exit).as(r.err).isZero();
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertThat(manifest.path("period").path("label").asText()).isEqualTo("2026-W41");
    assertThat(manifest.path("files")).hasSize(4);
    for (JsonNode f : manifest.path("files")) {
      byte[] bytes = Files.readAllBytes(out.resolve(f.path("file").asText()));
      assertThat(f.path("sha256").asText())
          .as(f.path("file").asText())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }
    assertThat(manifest.path("inputs").findValuesAsText("kind"))
        .containsExactly("findings", "steps", "departures");
    assertThat(Files.readString(out.resolve("report.html"))).contains("alice@corp.example.com");
    assertThat(Files.readAllBytes(out.resolve("report.pdf"))).startsWith("%PDF".getBytes());
  }

  @Test
  void aBadWeekIsExit2WithHowToWriteOne() {
    Run r =
        run(
            "report",
            "--week",
            "2026-41",
            "--findings",
            findings.toString(),
            "--steps",
            steps.toString(),
            "--departures",
            departures.toString(),
            "--out",
            dir.toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("--week '2026-41' is not an ISO week").contains("2026-W41");
  }

  @Test
  void aMissingFileIsExit2NamingIt() {
    Path gone = dir.resolve("nope.ndjson");
    Run r =
        run(
            "report",
            "--week",
            "2026-W41",
            "--findings",
            gone.toString(),
            "--steps",
            steps.toString(),
            "--departures",
            departures.toString(),
            "--out",
            dir.toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains(gone + ": file not found");
  }

  @Test
  void aBadLineIsExit2NamingFileLineAndField() throws Exception {
    Files.writeString(steps, "{\"status_id\":\"s1\"}\n", java.nio.file.StandardOpenOption.APPEND);
    Run r =
        run(
            "report",
            "--week",
            "2026-W41",
            "--findings",
            findings.toString(),
            "--steps",
            steps.toString(),
            "--departures",
            departures.toString(),
            "--out",
            dir.toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains(steps + ":2: person_id: is required");
  }

  @Test
  void anUnreachableElasticsearchIsExit2() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r =
        run(
            "report",
            "--from",
            "2026-10-05",
            "--to",
            "2026-10-11",
            "--from-es",
            "http://127.0.0.1:" + port,
            "--departures",
            departures.toString(),
            "--out",
            dir.resolve("out").toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("Elasticsearch at http://127.0.0.1:" + port).contains("unreachable");
  }

  @Test
  void filesOrElasticsearchMustBeSaid() {
    Run r =
        run(
            "report",
            "--week",
            "2026-W41",
            "--departures",
            departures.toString(),
            "--out",
            dir.toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("give --findings FILE and --steps FILE, or --from-es URL");
  }

  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }
}
