package io.leaverwatch.jobs.bounded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.rules.DetectionSpec;
import io.leaverwatch.jobs.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example of {@code rules/detections/} through what {@code leaverwatch detect} runs: its
 * native events (Okta System Log, GitHub audit log, CloudTrail records) read from files by the
 * record reader, normalised, resolved and judged by the bounded job, as of {@link #AS_OF}. Each
 * example is a person of its own; it gives exactly the findings of its rule it says (none, for a
 * negative one). A finding belongs to the rule whose {@code finding_rule_id} matches its rule_id
 * (the most literal one when several do). ANOMALOUS_ACTIVITY is evaluated by {@code eval anomaly}.
 */
class DetectionCatalogueITCase {
  static final Instant AS_OF = Instant.parse("2026-11-01T00:00:00Z");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(1)
              .build());

  @TempDir static Path dir;

  /** rule id → its file */
  static final Map<String, JsonNode> RULES = new TreeMap<>();

  static final List<Example> EXAMPLES = new ArrayList<>();
  static List<JsonNode> findings;
  static List<JsonNode> deadLetters;

  record Example(
      String ruleId, String file, String name, String personId, String role, JsonNode node) {}

  @BeforeAll
  static void runEveryExampleOnce() throws Exception {
    StringBuilder departures =
        new StringBuilder("person_id,email,role,notice_at,departed_at,status\n");
    StringBuilder identities = new StringBuilder("person_id,system,identity\n");
    StringBuilder access = new StringBuilder();
    Path events = Files.createDirectories(dir.resolve("events"));
    try (Stream<Path> files = Files.list(TestDirs.rules().resolve("detections"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        JsonNode rule = YAML.readTree(f.toFile());
        String id = rule.path("id").asText();
        if (DetectionSpec.OTHER_LOADERS.contains(id)) {
          continue;
        }
        RULES.put(id, rule);
        int i = 0;
        for (JsonNode ex : rule.path("examples")) {
          i++;
          String person = "p-" + id + "-" + i;
          JsonNode p = ex.path("person");
          String role = p.path("role").asText("default");
          EXAMPLES.add(
              new Example(
                  id, f.getFileName().toString(), ex.path("name").asText(), person, role, ex));
          departures
              .append(
                  String.join(
                      ",",
                      person,
                      p.path("email").asText(),
                      role,
                      p.path("notice_at").asText(""),
                      p.path("departed_at").asText(),
                      p.path("status").asText("DEPARTED")))
              .append('\n');
          identities.append(person).append(",email,").append(p.path("email").asText()).append('\n');
          for (String system : List.of("okta", "github", "aws")) {
            if (p.has(system)) {
              identities.append(person).append(',').append(system).append(',');
              identities.append(p.path(system).asText()).append('\n');
            }
          }
          for (JsonNode g : ex.path("access")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) g).put("person_id", person);
            access.append(JSON.writeValueAsString(g)).append('\n');
          }
          StringBuilder lines = new StringBuilder();
          for (JsonNode e : ex.path("events")) {
            assertThat(e.size())
                .as("%s: an event is {okta|github|cloudtrail: {...}}", person)
                .isEqualTo(1);
            String source = e.fieldNames().next();
            assertThat(source).isIn("okta", "github", "cloudtrail");
            lines.append(JSON.writeValueAsString(e.get(source))).append('\n');
          }
          Files.writeString(events.resolve(person + ".ndjson"), lines.toString());
        }
      }
    }
    Path departuresFile = Files.writeString(dir.resolve("departures.csv"), departures);
    Path identitiesFile = Files.writeString(dir.resolve("identities.csv"), identities);
    Path accessFile = Files.writeString(dir.resolve("access.ndjson"), access);
    Path findingsFile = dir.resolve("findings.ndjson");
    Path dlq = dir.resolve("dlq.ndjson");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    BoundedDetection.build(
        env,
        new BoundedDetection.Request(
            List.of(events),
            PeopleFiles.readDepartures(departuresFile),
            PeopleFiles.readIdentities(identitiesFile),
            access.length() == 0 ? List.of() : PeopleFiles.readAccess(accessFile),
            TestDirs.rules(),
            AS_OF.toEpochMilli(),
            findingsFile,
            null,
            dlq,
            1));
    env.execute("detection catalogue examples");
    findings = BoundedDetectionITCase.lines(findingsFile);
    deadLetters = BoundedDetectionITCase.lines(dlq);
  }

  @TestFactory
  Stream<DynamicTest> everyExampleGivesExactlyTheFindingsItSays() {
    assertThat(EXAMPLES).isNotEmpty();
    assertThat(deadLetters).as("every example event is accepted by its normaliser").isEmpty();
    return EXAMPLES.stream()
        .map(ex -> DynamicTest.dynamicTest(ex.file() + ": " + ex.name(), () -> check(ex)));
  }

  private static void check(Example ex) {
    JsonNode rule = RULES.get(ex.ruleId());
    String type = rule.path("finding_type").asText();
    List<JsonNode> mine = new ArrayList<>();
    for (JsonNode f : findings) {
      if (f.path("person_id").asText().equals(ex.personId())
          && f.path("type").asText().equals(type)
          && ex.ruleId().equals(owner(f, ex.role()))) {
        mine.add(f);
      }
    }
    List<JsonNode> expected = new ArrayList<>();
    ex.node().path("expect").forEach(expected::add);
    assertThat(mine)
        .as("%s findings of %s for '%s': %s", type, ex.ruleId(), ex.name(), mine)
        .hasSize(expected.size());
    List<JsonNode> left = new ArrayList<>(mine);
    for (JsonNode want : expected) {
      JsonNode match = null;
      for (JsonNode f : left) {
        if (matches(f, want)) {
          match = f;
          break;
        }
      }
      assertThat(match).as("%s: a finding with %s among %s", ex.name(), want, left).isNotNull();
      left.remove(match);
    }
  }

  private static boolean matches(JsonNode finding, JsonNode want) {
    for (var it = want.fields(); it.hasNext(); ) {
      var field = it.next();
      if (!finding.path(field.getKey()).asText().equals(field.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The rule of the catalogue a finding's rule_id belongs to: the most literal pattern matching.
   */
  private static String owner(JsonNode finding, String role) {
    String ruleId = finding.path("rule_id").asText();
    String best = null;
    int bestLiteral = -1;
    for (Map.Entry<String, JsonNode> r : RULES.entrySet()) {
      if (!r.getValue().path("finding_type").asText().equals(finding.path("type").asText())) {
        continue;
      }
      String pattern = r.getValue().path("finding_rule_id").asText().replace("{role}", role);
      String regex =
          Pattern.quote(pattern)
              .replace("{step}", "\\E[^/]+\\Q")
              .replace("{system}", "\\E(okta|github|aws)\\Q");
      int literal = pattern.replaceAll("\\{[a-z]+}", "").length();
      if (ruleId.matches(regex) && literal > bestLiteral) {
        best = r.getKey();
        bestLiteral = literal;
      }
    }
    return best;
  }
}
