package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code leaverwatch detect}: exit codes, messages and the --as-of "now". */
class DetectCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEPARTURES_HEADER =
      "person_id,email,role,notice_at,departed_at,status\n";

  @TempDir Path dir;
  private Path events;
  private Path departures;

  private record Run(int exit, String err) {}

  @BeforeEach
  void tinyOrganisation() throws IOException {
    events = dir.resolve("okta.ndjson");
    // Alice left at noon; she signs in two hours later; a colleague's sign-in the next day is the
    // latest event, so by default every deadline has passed
    Files.writeString(
        events,
        okta("e1", "2026-10-01T14:00:00.000Z", "00ualice", "alice@corp.example.com")
            + "\n"
            + okta("e2", "2026-10-02T12:00:00.000Z", "00ubob", "bob@corp.example.com")
            + "\n");
    departures = dir.resolve("departures.csv");
    Files.writeString(
        departures,
        DEPARTURES_HEADER
            + "p1,alice@corp.example.com,software-engineer,2026-09-21T12:00:00Z,"
            + "2026-10-01T12:00:00Z,DEPARTED\n");
  }

  @Test
  void runsOnATinyInputAndWritesFindingsAndSteps() throws IOException {
    Path out = dir.resolve("findings.ndjson");
    Path steps = dir.resolve("steps.ndjson");

    Run r = detect("--out", out.toString(), "--steps", steps.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> findings = lines(out);
    assertThat(findings)
        .extracting(n -> n.get("type").asText())
        .contains("POST_DEPARTURE_ACTIVITY", "RETAINED_ACCESS");
    assertThat(lines(steps))
        .extracting(n -> n.get("step_id").asText() + "=" + n.get("status").asText())
        .containsExactly("okta-deactivate=MISSING");
    assertThat(r.err()).contains("finding(s)");
  }

  @Test
  void anAsOfBeforeEveryDeadlineLeavesTheStepsPendingAndNoAccessRetained() throws IOException {
    Path out = dir.resolve("findings.ndjson");
    Path steps = dir.resolve("steps.ndjson");

    Run r =
        detect(
            "--out",
            out.toString(),
            "--steps",
            steps.toString(),
            "--as-of",
            "2026-10-01T12:30:00Z");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(lines(out))
        .extracting(n -> n.get("type").asText())
        .doesNotContain("RETAINED_ACCESS", "OFFBOARDING_INCOMPLETE");
    assertThat(lines(steps)).isNotEmpty().allMatch(n -> n.get("status").asText().equals("PENDING"));
  }

  @Test
  void aBadDepartureRowIsExitTwoNamingFileLineAndField() throws IOException {
    Files.writeString(
        departures,
        DEPARTURES_HEADER
            + "p1,alice@corp.example.com,software-engineer,,2026-10-01T12:00:00Z,DEPARTED\n"
            + "p2,bob@corp.example.com,sre,,yesterday,DEPARTED\n");

    Run r = detect("--out", dir.resolve("findings.ndjson").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(departures.getFileName() + ":3").contains("departed_at");
    assertThat(dir.resolve("findings.ndjson")).doesNotExist();
  }

  @Test
  void aMissingEventsPathIsExitTwo() {
    Path missing = dir.resolve("no-such-folder");

    Run r =
        run(
            "detect",
            "--events",
            missing.toString(),
            "--departures",
            departures.toString(),
            "--rules",
            rules().toString(),
            "--out",
            dir.resolve("findings.ndjson").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(missing.toString());
  }

  @Test
  void anInvalidAsOfIsExitTwo() {
    Run r = detect("--out", dir.resolve("findings.ndjson").toString(), "--as-of", "tomorrow");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--as-of").contains("tomorrow");
  }

  @Test
  void aBrokenRoleFileIsExitTwoNamingTheFile() throws IOException {
    Path rules = dir.resolve("rules");
    copy(rules(), rules);
    Path role = rules.resolve("roles/software-engineer.yaml");
    Files.writeString(
        role,
        Files.readString(role)
            .replaceFirst(
                "sensitive_actions:",
                "steps:\n  - {id: okta-deactivate, sla: soon}\nsensitive_actions:"));

    Run r =
        run(
            "detect",
            "--events",
            events.toString(),
            "--departures",
            departures.toString(),
            "--rules",
            rules.toString(),
            "--out",
            dir.resolve("findings.ndjson").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("software-engineer.yaml").contains("sla");
  }

  @Test
  void aGrantALaterCompleteSnapshotNoLongerShowsIsResolvedRetainedAccess() throws IOException {
    Path access = dir.resolve("access.ndjson");
    String snapshot1 =
        "{\"identity\":\"alice@corp.example.com\",\"system\":\"okta\",\"grant\":\"okta_user\","
            + "\"observed_at\":\"2026-10-01T14:00:00Z\"}\n"
            + "{\"system\":\"okta\",\"observed_at\":\"2026-10-01T14:00:00Z\",\"complete\":true}\n";
    Files.writeString(access, snapshot1);
    Path open = dir.resolve("open.ndjson");
    Run first = detect("--access", access.toString(), "--out", open.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(snapshotFinding(open).get("status").asText()).isEqualTo("OPEN");

    // the next okta snapshot, complete, lists no grant of alice
    Files.writeString(
        access,
        snapshot1
            + "{\"system\":\"okta\",\"observed_at\":\"2026-10-02T10:00:00Z\",\"complete\":true}\n");
    Path resolved = dir.resolve("resolved.ndjson");
    Run second = detect("--access", access.toString(), "--out", resolved.toString());
    assertThat(second.exit()).as(second.err()).isZero();
    JsonNode f = snapshotFinding(resolved);
    assertThat(f.get("status").asText()).isEqualTo("RESOLVED");
    assertThat(f.get("resolution").asText())
        .isEqualTo("no longer in the okta access snapshot of 2026-10-02T10:00:00Z");
    assertThat(f.get("finding_id").asText())
        .isEqualTo(snapshotFinding(open).get("finding_id").asText());
  }

  private static JsonNode snapshotFinding(Path out) throws IOException {
    List<JsonNode> fromSnapshot =
        lines(out).stream()
            .filter(n -> n.get("type").asText().equals("RETAINED_ACCESS"))
            .filter(n -> n.get("rule_id").asText().contains("snapshot"))
            .toList();
    assertThat(fromSnapshot).hasSize(1);
    return fromSnapshot.get(0);
  }

  // ---------------------------------------------------------------- helpers

  private Run detect(String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "detect",
            "--events",
            events.toString(),
            "--departures",
            departures.toString(),
            "--rules",
            rules().toString(),
            "--parallelism",
            "1"));
    args.addAll(List.of(more));
    return run(args.toArray(new String[0]));
  }

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

  private static String okta(String uuid, String published, String userId, String email) {
    return "{\"uuid\":\""
        + uuid
        + "\",\"published\":\""
        + published
        + "\",\"eventType\":\"user.session.start\",\"displayMessage\":\"User login to Okta\","
        + "\"actor\":{\"id\":\""
        + userId
        + "\",\"type\":\"User\",\"alternateId\":\""
        + email
        + "\",\"displayName\":\"someone\"},\"client\":{\"ipAddress\":\"198.51.100.7\"},"
        + "\"outcome\":{\"result\":\"SUCCESS\"},\"target\":[]}";
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private static Path rules() {
    String p = System.getProperty("leaverwatch.rules");
    return p != null ? Path.of(p) : Path.of("..", "rules");
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
