package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.alerting.standin.FakePagerDuty;
import io.leaverwatch.alerting.standin.FakeSlack;
import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertCommandTest {
  static final String PD_KEY = "fedcba9876543210fedcba9876543210";
  static final String TOKEN = "xoxb-9999-cli-test-token";

  @TempDir Path dir;
  FakePagerDuty pd;
  FakeSlack slack;

  private record Run(int exit, String err) {}

  @BeforeEach
  void start() throws Exception {
    pd = new FakePagerDuty();
    slack = new FakeSlack(TOKEN);
    AlertCommand.environment = Map.of("LW_CLI_PD", PD_KEY, "LW_CLI_SLACK", TOKEN);
  }

  @AfterEach
  void stop() {
    pd.close();
    slack.close();
    AlertCommand.environment = System.getenv();
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

  private Path routes() throws Exception {
    Path f = dir.resolve("alerting.yaml");
    Files.writeString(
        f,
        "receivers:\n"
            + "  - name: security-oncall\n"
            + "    pagerduty: {routing_key_env: LW_CLI_PD}\n"
            + "  - name: leavers-channel\n"
            + "    slack: {channel: \"#sec-leavers\", token_env: LW_CLI_SLACK}\n"
            + "routes:\n"
            + "  - match: {min_severity: HIGH}\n"
            + "    receivers: [security-oncall, leavers-channel]\n"
            + "  - match: {types: [OFFBOARDING_INCOMPLETE, RETAINED_ACCESS], min_severity: MEDIUM}\n"
            + "    receivers: [leavers-channel]\n");
    return f;
  }

  private Path findings() throws Exception {
    Instant t = Instant.parse("2026-03-02T10:00:00Z");
    Finding high =
        Finding.newBuilder()
            .setFindingId("9f2c-high")
            .setType(FindingType.POST_DEPARTURE_ACTIVITY)
            .setSeverity(Severity.HIGH)
            .setPersonId("p-1")
            .setEmail("bob@corp.example")
            .setRole("sre")
            .setSource(Source.OKTA)
            .setIdentity("<!channel>")
            .setFirstSeen(t)
            .setLastSeen(t)
            .setRuleId("post-departure-activity")
            .setSummary("bob signed in after departure from <https://evil|click>")
            .build();
    Finding medium =
        Finding.newBuilder(high)
            .setFindingId("9f2c-medium")
            .setType(FindingType.RETAINED_ACCESS)
            .setSeverity(Severity.MEDIUM)
            .setStatus(FindingStatus.OPEN)
            .build();
    Finding low =
        Finding.newBuilder(high).setFindingId("9f2c-low").setSeverity(Severity.LOW).build();
    Path f = dir.resolve("findings.ndjson");
    Files.write(
        f, List.of(RecordJson.toJson(high), RecordJson.toJson(medium), RecordJson.toJson(low)));
    return f;
  }

  @Test
  void onceDeliversEveryRoutedFindingAndExitsZeroAndASecondRunSendsNothing() throws Exception {
    String[] args = {
      "alert",
      "--findings",
      findings().toString(),
      "--once",
      "--routes",
      routes().toString(),
      "--state",
      dir.resolve("state").toString(),
      "--dlq",
      dir.resolve("dlq.ndjson").toString(),
      "--pagerduty-url",
      pd.baseUrl(),
      "--slack-url",
      slack.baseUrl()
    };
    Run r = run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(pd.triggers()).isEqualTo(1);
    assertThat(slack.posted()).isEqualTo(2);
    assertThat(r.err())
        .contains("triggers 1")
        .contains("posted 2")
        .doesNotContain(TOKEN)
        .doesNotContain(PD_KEY);
    Run again = run(args);
    assertThat(again.exit()).isZero();
    assertThat(pd.requests()).hasSize(1);
    assertThat(slack.requests()).hasSize(2);
  }

  @Test
  void dryRunWritesEveryPayloadAndSendsNothing() throws Exception {
    Path out = dir.resolve("payloads");
    Run r =
        run(
            "alert",
            "--findings",
            findings().toString(),
            "--once",
            "--dry-run",
            "--out",
            out.toString(),
            "--routes",
            routes().toString(),
            "--state",
            dir.resolve("state").toString(),
            "--pagerduty-url",
            pd.baseUrl(),
            "--slack-url",
            slack.baseUrl());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(pd.requests()).isEmpty();
    assertThat(slack.requests()).isEmpty();
    List<Path> files;
    try (Stream<Path> s = Files.walk(out)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files).hasSize(3);
    assertThat(files.stream().map(p -> out.relativize(p).toString()))
        .anyMatch(p -> p.startsWith("security-oncall/00001-enqueue-9f2c-high"))
        .anyMatch(p -> p.startsWith("leavers-channel/"));
    for (Path p : files) {
      assertThat(Files.readString(p)).doesNotContain(PD_KEY).doesNotContain(TOKEN);
    }
    // a rehearsal marks nothing as sent
    assertThat(dir.resolve("state").resolve("ledger.ndjson")).doesNotExist();
  }

  @Test
  void aMissingSecretIsABadArgumentNamingTheVariableNotAValue() throws Exception {
    AlertCommand.environment = Map.of("LW_CLI_PD", PD_KEY);
    Run r =
        run(
            "alert",
            "--findings",
            findings().toString(),
            "--once",
            "--routes",
            routes().toString(),
            "--state",
            dir.resolve("state").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("alerting.yaml:4: receiver leavers-channel: $LW_CLI_SLACK is not set");
  }

  @Test
  void aBrokenRoutesFileIsABadArgumentWithFileLineAndField() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(
        f,
        "receivers:\n  - name: a\n    slack: {channel: \"#a\", token_env: X}\nroutes:\n"
            + "  - match: {min_severity: URGENT}\n    receivers: [a]\n");
    Run r = run("alert", "--findings", findings().toString(), "--once", "--routes", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(f + ":5: routes[0].match.min_severity: 'URGENT' is not one of");
  }
}
