package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.testkit.generate.AnomalyScenario;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train}, {@code detect --model} and {@code eval anomaly}: what a user runs and sees. */
class TrainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static AnomalyScenario.Result org;
  private static Path model;
  private static Run trained;

  private record Run(int exit, String err) {}

  @BeforeAll
  static void trainOnAGeneratedOrganisation() throws IOException {
    org = AnomalyScenario.generate(60, 50, 3, dir.resolve("org"));
    model = dir.resolve("model");
    trained =
        run(
            "train",
            "--events",
            org.dir().resolve("okta").toString(),
            org.dir().resolve("github").toString(),
            org.dir().resolve("cloudtrail").toString(),
            "--departures",
            org.dir().resolve("departures.csv").toString(),
            "--identities",
            org.dir().resolve("identities.csv").toString(),
            "--roles",
            org.dir().resolve("roles.csv").toString(),
            "--rules",
            rules().toString(),
            "--out",
            model.toString());
  }

  @Test
  void trainWritesAVersionedModelDirectory() throws IOException {
    assertThat(trained.exit()).as(trained.err()).isZero();
    assertThat(trained.err()).contains("train: model ").contains("threshold");
    assertThat(model.resolve("model.ser")).isRegularFile();
    assertThat(model.resolve("anomalous-activity.yaml")).isRegularFile();
    assertThat(model.resolve("thresholds.json")).isRegularFile();
    assertThat(model.resolve("model-card.md")).isRegularFile();
    JsonNode card = JSON.readTree(model.resolve("model-card.json").toFile());
    assertThat(card.path("people_per_role").size()).isGreaterThan(1);
    assertThat(card.path("model_version").asText()).hasSize(16);
  }

  @Test
  void detectWithTheModelAddsAnomalousActivityToTheJobsFindingsSortedById() throws IOException {
    Path out = dir.resolve("findings.ndjson");

    Run r =
        run(
            "detect",
            "--events",
            org.dir().resolve("okta").toString(),
            org.dir().resolve("github").toString(),
            org.dir().resolve("cloudtrail").toString(),
            "--departures",
            org.dir().resolve("departures.csv").toString(),
            "--identities",
            org.dir().resolve("identities.csv").toString(),
            "--rules",
            rules().toString(),
            "--model",
            model.toString(),
            "--parallelism",
            "1",
            "--out",
            out.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("ANOMALOUS_ACTIVITY: ");
    List<String> ids = new ArrayList<>();
    Set<String> anomalous = new HashSet<>();
    for (String line : Files.readAllLines(out)) {
      JsonNode f = JSON.readTree(line);
      ids.add(f.path("finding_id").asText());
      if (f.path("type").asText().equals("ANOMALOUS_ACTIVITY")) {
        anomalous.add(f.path("person_id").asText() + "/" + f.path("details").path("day").asText());
      }
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    Set<String> injected = new HashSet<>();
    for (AnomalyScenario.Injection i : org.injections()) {
      injected.add(i.personId() + "/" + i.day());
    }
    assertThat(anomalous).isNotEmpty();
    assertThat(injected).containsAll(anomalous);
  }

  @Test
  void detectWithoutAModelTrainsOnItsOwnInputFirst() throws IOException {
    Path out = dir.resolve("forensic.ndjson");

    Run r =
        run(
            "detect",
            "--events",
            org.dir().resolve("okta").toString(),
            org.dir().resolve("github").toString(),
            org.dir().resolve("cloudtrail").toString(),
            "--departures",
            org.dir().resolve("departures.csv").toString(),
            "--identities",
            org.dir().resolve("identities.csv").toString(),
            "--rules",
            rules().toString(),
            "--parallelism",
            "1",
            "--out",
            out.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("model trained-on-input");
    assertThat(Files.readAllLines(out))
        .anyMatch(line -> line.contains("\"type\":\"ANOMALOUS_ACTIVITY\""));
  }

  @Test
  void aMissingModelDirectoryIsABadArgumentBeforeAnythingRuns() {
    Run r =
        run(
            "detect",
            "--events",
            org.dir().resolve("okta").toString(),
            "--departures",
            org.dir().resolve("departures.csv").toString(),
            "--rules",
            rules().toString(),
            "--model",
            dir.resolve("no-such-model").toString(),
            "--out",
            dir.resolve("unused.ndjson").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--model: ").contains("model directory not found");
    assertThat(dir.resolve("unused.ndjson")).doesNotExist();
  }

  @Test
  void anInvalidAnomalyRuleFileNamesItsLine() throws IOException {
    Path rulesCopy = dir.resolve("rules-bad");
    for (String sub : new String[] {"action-classes", "roles", "detections"}) {
      copyFlat(rules().resolve(sub), rulesCopy.resolve(sub));
    }
    Path file = rulesCopy.resolve("detections/anomalous-activity.yaml");
    Files.writeString(
        file,
        Files.readString(rules().resolve("detections/anomalous-activity.yaml"))
            .replace("kind: off_hours_share", "kind: night_owl"));

    Run r =
        run(
            "train",
            "--events",
            org.dir().resolve("okta").toString(),
            "--departures",
            org.dir().resolve("departures.csv").toString(),
            "--rules",
            rulesCopy.toString(),
            "--out",
            dir.resolve("unused-model").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).containsPattern(file + ":\\d+: features\\[\\d+]\\.kind: 'night_owl'");
  }

  @Test
  void evalRefusesTooFewDaysForAScoredWindowWithHistory() {
    Run r = run("eval", "anomaly", "--people", "50", "--days", "10", "--seed", "1");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--days must be between 45 and 366");
  }

  private static void copyFlat(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.copy(p, to.resolve(p.getFileName().toString()));
      }
    }
  }

  private static Path rules() {
    String p = System.getProperty("leaverwatch.rules");
    return p != null ? Path.of(p) : Path.of("..", "rules");
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
}
