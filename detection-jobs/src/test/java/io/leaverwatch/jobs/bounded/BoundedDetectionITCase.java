package io.leaverwatch.jobs.bounded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.jobs.TestDirs;
import io.leaverwatch.testkit.Pinned;
import io.leaverwatch.testkit.generate.GeneratorConfig;
import io.leaverwatch.testkit.generate.OrgGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
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
  static final String PINNED_IDS = "/pinned/finding-ids.txt";
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

  /**
   * The ids of this organisation's findings are pinned: an id that changes re-pages everyone on the
   * next replay, so a refactor that changes one must fail here. The actual list is written next to
   * the build output, to see the difference (and to re-pin on purpose).
   */
  @Test
  void findingIdsAreThePinnedOnes() throws IOException {
    List<String> actual = new ArrayList<>();
    for (JsonNode n : lines(firstFindings)) {
      actual.add(n.get("finding_id").asText() + " " + n.get("type").asText());
    }
    actual.sort(null);
    Path written = Pinned.writeActual("pinned-finding-ids.actual.txt", actual);
    List<String> pinned = Pinned.lines(BoundedDetectionITCase.class, PINNED_IDS);
    assertThat(pinned).as("%s on the test classpath", PINNED_IDS).isNotNull();
    assertThat(actual).as("finding ids (actual list in %s)", written).isEqualTo(pinned);
  }

  @Test
  void aSecondRunWritesTheSameBytes() throws Exception {
    Path second = dir.resolve("findings-2.ndjson");
    detect(second, null);

    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(firstFindings));
  }

  @Test
  void theSameFilesGivenTwiceGiveTheSameFindingsAsOnce() throws Exception {
    Path twice = dir.resolve("findings-twice.ndjson");
    Path stepsTwice = dir.resolve("steps-twice.ndjson");
    List<Path> inputs = inputs();
    List<Path> doubled = new ArrayList<>(inputs);
    doubled.addAll(inputs);
    detect(twice, stepsTwice, doubled);

    assertThat(Files.readAllBytes(twice)).isEqualTo(Files.readAllBytes(firstFindings));
    assertThat(Files.readAllBytes(stepsTwice))
        .isEqualTo(Files.readAllBytes(dir.resolve("steps-1.ndjson")));
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

  @Test
  void realFixturesGiveTheFindingsTheirEventsJustify() throws Exception {
    Optional<Path> fixtures = TestDirs.fixtures();
    Assumptions.assumeTrue(fixtures.isPresent(), "../shared/fixtures is absent");
    Path f = fixtures.get();
    Path departures = dir.resolve("fixture-departures.csv");
    Files.writeString(
        departures,
        "person_id,email,role,notice_at,departed_at,status\n"
            + "p-bob,bob@example.com,software-engineer,2020-01-02T09:00:00Z,2020-01-03T12:00:00Z,DEPARTED\n"
            + "p-tracey,tracey.stone@acme.io,software-engineer,2020-10-20T09:00:00Z,2020-10-28T00:00:00Z,DEPARTED\n"
            + "p-john,john.doe@example.com,software-engineer,2020-11-10T09:00:00Z,2020-11-16T18:00:00Z,DEPARTED\n");
    Path identities = dir.resolve("fixture-identities.csv");
    Files.writeString(
        identities,
        "person_id,system,identity\n"
            + "p-bob,aws,Bob\n"
            + "p-tracey,okta,tracey.stone@acme.io\n"
            + "p-tracey,aws,tracy_stone\n");
    Path findings = dir.resolve("fixture-findings.ndjson");
    Path steps = dir.resolve("fixture-steps.ndjson");
    Path dlq = dir.resolve("fixture-dlq.ndjson");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    List<Path> inputs = List.of(f.resolve("okta"), f.resolve("github"), f.resolve("cloudtrail"));
    BoundedDetection.build(
        env,
        new BoundedDetection.Request(
            inputs,
            PeopleFiles.readDepartures(departures),
            PeopleFiles.readIdentities(identities),
            List.of(),
            TestDirs.rules(),
            null,
            findings,
            steps,
            dlq,
            PARALLELISM));
    env.execute("detect fixtures");

    List<JsonNode> found = lines(findings);
    // Bob's notice was 2020-01-02: Alice creating and deleting his access keys on 01-08 is not
    // the offboarding automation
    JsonNode created = one(found, "p-bob", "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE", "CreateAccessKey");
    assertThat(created.get("severity").asText()).isEqualTo("HIGH");
    assertThat(created.get("source").asText()).isEqualTo("CLOUDTRAIL");
    assertThat(created.get("first_seen").asText()).isEqualTo("2020-01-08T20:43:06Z");
    assertThat(created.get("summary").asText()).contains("user/Alice");
    JsonNode deleted = one(found, "p-bob", "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE", "DeleteAccessKey");
    assertThat(deleted.get("severity").asText()).isEqualTo("LOW");
    // Tracey left 2020-10-28; on 11-01 root re-created her access and her IAM user ran an instance
    JsonNode recreated =
        one(found, "p-tracey", "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE", "CreateAccessKey");
    assertThat(recreated.get("severity").asText()).isEqualTo("HIGH");
    JsonNode ran = one(found, "p-tracey", "POST_DEPARTURE_ACTIVITY", "RunInstances");
    assertThat(ran.get("first_seen").asText()).isEqualTo("2020-11-01T09:30:03Z");
    one(found, "p-tracey", "RETAINED_ACCESS", "AttachUserPolicy");
    // ... and nobody ever deactivated her Okta user (learned from her sign-ins) or IAM user
    one(found, "p-tracey", "RETAINED_ACCESS", "okta-deactivate");
    one(found, "p-tracey", "RETAINED_ACCESS", "aws-remove-iam-user");
    JsonNode incomplete = one(found, "p-tracey", "OFFBOARDING_INCOMPLETE", "offboarding");
    assertThat(incomplete.get("severity").asText()).isEqualTo("HIGH");
    // John was deactivated 15 minutes after leaving, his Okta user learned from that event alone
    assertThat(found).noneMatch(n -> n.get("person_id").asText().equals("p-john"));

    List<JsonNode> stepStatuses = lines(steps);
    JsonNode john = step(stepStatuses, "p-john", "okta-deactivate");
    assertThat(john.get("status").asText()).isEqualTo("ON_TIME");
    assertThat(john.get("identity").asText()).isEqualTo("00u3m90rxKjGQ0G6L1d6");
    JsonNode bob = step(stepStatuses, "p-bob", "aws-remove-iam-user");
    assertThat(bob.get("status").asText()).isEqualTo("ON_TIME");
    assertThat(bob.get("completed_at").asText()).isEqualTo("2020-01-03T15:50:52Z");
    assertThat(step(stepStatuses, "p-tracey", "okta-deactivate").get("status").asText())
        .isEqualTo("MISSING");

    List<JsonNode> dead = lines(dlq);
    try (var malformed = Files.list(f.resolve("cloudtrail/malformed"))) {
      for (Path bad : malformed.collect(Collectors.toList())) {
        assertThat(dead)
            .as("a dead letter for %s", bad.getFileName())
            .anyMatch(
                n ->
                    n.get("origin").asText().equals(bad.toString())
                        && n.get("reason").asText().startsWith("not valid JSON at line"));
      }
    }
    assertThat(dead).allMatch(n -> !n.get("reason").asText().isBlank());
    assertThat(dead.size()).isEqualTo(rejectedByTheNormaliser(inputs));
  }

  /** Every record read is either normalised or a dead letter: none lost, none doubled. */
  private static int rejectedByTheNormaliser(List<Path> inputs) {
    EventNormalizer normalizer = new EventNormalizer(ActionClassifier.load(TestDirs.rules()));
    int rejected = 0;
    int normalised = 0;
    try (RecordReader reader = RecordReader.open(inputs, Clock.systemUTC())) {
      while (reader.hasNext()) {
        ReadItem item = reader.next();
        if (item instanceof ReadItem.Record r) {
          for (Normalization n : normalizer.normalize(r.record())) {
            if (n instanceof Normalization.Rejection) {
              rejected++;
            } else {
              normalised++;
            }
          }
        } else {
          rejected++;
        }
      }
    }
    assertThat(normalised).isPositive();
    return rejected;
  }

  private static JsonNode one(List<JsonNode> found, String person, String type, String action) {
    List<JsonNode> matching =
        found.stream()
            .filter(n -> n.get("person_id").asText().equals(person))
            .filter(n -> n.get("type").asText().equals(type))
            .filter(n -> n.get("action").asText().equals(action))
            .collect(Collectors.toList());
    assertThat(matching).as("%s %s %s", person, type, action).hasSize(1);
    return matching.get(0);
  }

  private static JsonNode step(List<JsonNode> steps, String person, String stepId) {
    return steps.stream()
        .filter(n -> n.get("person_id").asText().equals(person))
        .filter(n -> n.get("step_id").asText().equals(stepId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no status of " + person + " " + stepId));
  }

  private static List<Path> inputs() {
    return List.of(org.resolve("github"), org.resolve("okta"), org.resolve("cloudtrail"));
  }

  private static void detect(Path findings, Path steps) throws Exception {
    detect(findings, steps, inputs());
  }

  private static void detect(Path findings, Path steps, List<Path> inputs) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    BoundedDetection.build(
        env,
        new BoundedDetection.Request(
            inputs,
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
