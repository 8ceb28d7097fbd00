package io.leaverwatch.jobs.bounded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.core.generate.GeneratorConfig;
import io.leaverwatch.core.generate.OrgGenerator;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.jobs.TestDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code detect} on a generated organisation, on a Flink MiniCluster: every injected incident is
 * found and nothing else, the same bytes every run, in the documented shape.
 */
class BoundedDetectionITCase {
  static final int PARALLELISM = 2;
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> FINDING_FIELDS =
      List.of(
          "finding_id",
          "type",
          "severity",
          "person_id",
          "email",
          "role",
          "source",
          "identity",
          "action",
          "first_seen",
          "last_seen",
          "event_count",
          "event_ids",
          "departed_at",
          "rule_id",
          "summary",
          "details");

  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(PARALLELISM)
              .build());

  @TempDir static Path dir;
  static Path org;
  static Path firstFindings;

  @BeforeAll
  static void generateAndDetectOnce() throws Exception {
    org = dir.resolve("org");
    new OrgGenerator(
            new GeneratorConfig(
                200,
                14,
                60,
                3,
                GeneratorConfig.DEFAULT_START,
                GeneratorConfig.DEFAULT_EVENTS_PER_DAY,
                GeneratorConfig.DEFAULT_DOMAIN,
                org),
            line -> {})
        .run();
    firstFindings = dir.resolve("findings-1.ndjson");
    detect(firstFindings, dir.resolve("steps-1.ndjson"));
  }

  @Test
  void findsEveryInjectedIncidentAndNothingElse() throws IOException {
    Set<String> expected = new TreeSet<>();
    for (JsonNode n : lines(org.resolve("ground-truth.ndjson"))) {
      expected.add(triple(n));
    }
    Set<String> actual = new TreeSet<>();
    for (JsonNode n : lines(firstFindings)) {
      actual.add(triple(n));
    }
    assertThat(expected).as("ground truth").isNotEmpty();

    Set<String> falsePositives = new TreeSet<>(actual);
    falsePositives.removeAll(expected);
    Set<String> missed = new TreeSet<>(expected);
    missed.removeAll(actual);
    double precision = (actual.size() - falsePositives.size()) / (double) actual.size();
    double recall = (expected.size() - missed.size()) / (double) expected.size();
    String diff = "false positives " + falsePositives + "; missed " + missed;
    assertThat(precision).as("precision; " + diff).isEqualTo(1.0);
    assertThat(recall).as("recall; " + diff).isEqualTo(1.0);
  }

  @Test
  void aSecondRunWritesTheSameBytes() throws Exception {
    Path second = dir.resolve("findings-2.ndjson");
    detect(second, null);

    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(firstFindings));
  }

  @Test
  void everyFindingHasTheDocumentedFieldsSortedByIdWithAtMostTwentyEventIds() throws IOException {
    List<JsonNode> findings = lines(firstFindings);
    assertThat(findings).isNotEmpty();
    List<String> ids = new ArrayList<>();
    for (JsonNode f : findings) {
      for (String field : FINDING_FIELDS) {
        assertThat(f.has(field)).as("%s in %s", field, f.path("finding_id")).isTrue();
      }
      for (String required : List.of("finding_id", "type", "severity", "person_id", "rule_id")) {
        assertThat(f.get(required).asText()).as(required).isNotBlank();
      }
      assertThat(f.get("event_ids").size()).isLessThanOrEqualTo(20);
      assertThat(f.get("event_count").asLong()).isGreaterThanOrEqualTo(0);
      ids.add(f.get("finding_id").asText());
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  private static void detect(Path findings, Path steps) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    BoundedDetection.build(
        env,
        new BoundedDetection.Request(
            List.of(org.resolve("github"), org.resolve("okta"), org.resolve("cloudtrail")),
            PeopleFiles.readDepartures(org.resolve("departures.csv")),
            PeopleFiles.readIdentities(org.resolve("identities.csv")),
            PeopleFiles.readAccess(org.resolve("access.ndjson")),
            TestDirs.rules(),
            null,
            findings,
            steps,
            null,
            PARALLELISM));
    env.execute("detect " + findings.getFileName());
  }

  private static String triple(JsonNode n) {
    JsonNode source = n.get("source");
    return n.get("type").asText()
        + "/"
        + n.get("person_id").asText()
        + "/"
        + (source == null || source.isNull() ? "-" : source.asText());
  }

  static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }
}
