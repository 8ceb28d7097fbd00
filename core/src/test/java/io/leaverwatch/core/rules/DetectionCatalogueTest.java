package io.leaverwatch.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.leaverwatch.core.detect.Rules;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection catalogue ({@code rules/detections/}) as a whole, in the manner of
 * elastic/detection-rules: ids unique and pinned, the metadata an analyst needs present, severities
 * in the band of their finding type, positive and negative examples on every rule, and the errors a
 * broken file gives. The examples themselves run through the normalisers and the bounded job in
 * {@code DetectionCatalogueITCase} (detection-jobs).
 */
class DetectionCatalogueTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The severities each finding type may take, whatever a file says. */
  private static final Map<FindingType, List<Severity>> BANDS = new EnumMap<>(FindingType.class);

  static {
    BANDS.put(
        FindingType.POST_DEPARTURE_ACTIVITY,
        List.of(Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL));
    BANDS.put(
        FindingType.RETAINED_ACCESS, List.of(Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL));
    BANDS.put(
        FindingType.OUT_OF_WORKFLOW_CREDENTIAL_CHANGE,
        List.of(Severity.LOW, Severity.MEDIUM, Severity.HIGH));
    BANDS.put(
        FindingType.SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT, List.of(Severity.HIGH, Severity.CRITICAL));
    BANDS.put(FindingType.KNOWN_IP_ACCESS_ATTEMPT, List.of(Severity.MEDIUM, Severity.HIGH));
    BANDS.put(
        FindingType.ANOMALOUS_ACTIVITY, List.of(Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL));
    BANDS.put(FindingType.OFFBOARDING_INCOMPLETE, List.of(Severity.MEDIUM, Severity.HIGH));
  }

  @TempDir Path tmp;

  @Test
  void theIdsAreUniqueAndThePinnedOnes() throws IOException {
    List<String> ids = new ArrayList<>();
    for (Path f : files()) {
      ids.add(YAML.readTree(f.toFile()).path("id").asText());
    }
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(ids))
        .as("ids of rules/detections/ against src/test/resources/detection-ids.txt")
        .containsExactlyElementsOf(pinnedIds());
    assertThat(Rules.load().detections().rules().keySet())
        .containsExactlyInAnyOrderElementsOf(DetectionSpec.ALL.keySet());
  }

  @Test
  void everyFileCarriesWhatAnAnalystNeeds() throws IOException {
    for (Path f : files()) {
      JsonNode n = YAML.readTree(f.toFile());
      String at = f.getFileName().toString();
      assertThat(n.path("id").asText()).as("%s id is the file name", at).isEqualTo(stem(f));
      for (String field : List.of("name", "description", "triage", "version", "finding_type")) {
        assertThat(n.path(field).asText()).as("%s %s", at, field).isNotBlank();
      }
      assertThat(FindingType.valueOf(n.path("finding_type").asText())).isNotNull();
      assertThat(n.path("false_positives").size()).as("%s false_positives", at).isPositive();
      assertThat(n.path("references").isArray()).as("%s references", at).isTrue();
      for (JsonNode t : n.path("mitre")) {
        assertThat(t.asText()).as("%s mitre", at).matches("T\\d{4}(\\.\\d{3})?");
      }
    }
  }

  @Test
  void everySeverityIsInItsFindingTypesBand() {
    RuleSet rules = Rules.load();
    for (DetectionRule r : rules.detections().rules().values()) {
      List<Severity> band = BANDS.get(r.findingType());
      assertThat(r.defaultSeverity()).as("%s default", r.id()).isIn(band);
      r.cases().forEach((c, s) -> assertThat(s).as("%s %s", r.id(), c).isIn(band));
    }
    // a missed deadline takes its step's severity: every step of every role is in the band too
    for (RoleBaseline b : rules.baselines().values()) {
      for (RevocationStep s : b.steps()) {
        assertThat(Severity.valueOf(s.severity()))
            .as("%s/%s", b.role(), s.id())
            .isIn(BANDS.get(FindingType.RETAINED_ACCESS));
      }
    }
  }

  @Test
  void everyRuleHasPositiveAndNegativeExamples() throws IOException {
    for (Path f : files()) {
      JsonNode n = YAML.readTree(f.toFile());
      if (DetectionSpec.OTHER_LOADERS.contains(stem(f))) {
        assertThat(n.has("examples"))
            .as(
                "%s: ANOMALOUS_ACTIVITY is scored by a trained model; its detection is evaluated by"
                    + " `leaverwatch eval anomaly` on generated organisations, not by inline"
                    + " examples",
                f.getFileName())
            .isFalse();
        continue;
      }
      int positive = 0;
      int negative = 0;
      for (JsonNode ex : n.path("examples")) {
        assertThat(ex.path("name").asText()).as("%s example name", f.getFileName()).isNotBlank();
        assertThat(ex.path("expect").isArray()).as("%s expect", ex.path("name")).isTrue();
        if (ex.path("expect").isEmpty()) {
          negative++;
        } else {
          positive++;
        }
      }
      assertThat(positive).as("%s positive examples", f.getFileName()).isPositive();
      assertThat(negative).as("%s negative examples", f.getFileName()).isPositive();
    }
  }

  @Test
  void rolesExtendTheDefaultAndOverrideAStepById() {
    RuleSet rules = Rules.load();
    RoleBaseline def = rules.baselineFor("default");
    RoleBaseline sre = rules.baselineFor("sre");
    assertThat(sre.steps())
        .extracting(RevocationStep::id)
        .containsExactlyElementsOf(def.steps().stream().map(RevocationStep::id).toList());
    assertThat(sre.stepFor("okta").orElseThrow().severity()).isEqualTo("CRITICAL");
    assertThat(sre.stepFor("okta").orElseThrow().sla())
        .isEqualTo(def.stepFor("okta").orElseThrow().sla());
    assertThat(sre.stepFor("github").orElseThrow()).isEqualTo(def.stepFor("github").orElseThrow());
    assertThat(sre.gracePeriod()).isEqualTo(def.gracePeriod());
    assertThat(sre.reopenActions()).isEqualTo(def.reopenActions());
    assertThat(rules.baselineFor("contractor").stepFor("github").orElseThrow().anyOf())
        .containsExactly(List.of("org.remove_outside_collaborator"), List.of("org.remove_member"));
  }

  @Test
  void aRoleExtendingAnUnknownRoleNamesItsLine() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("roles/sre.yaml");
    Files.writeString(f, Files.readString(f).replace("extend: default", "extend: defualt"));
    assertError(rules, f, "extend: defualt", "extend: no role 'defualt'");
  }

  @Test
  void anUnknownFieldNamesFileLineAndField() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("detections/known-ip-access-attempt.yaml");
    Files.writeString(f, Files.readString(f).replace("triage:", "triag:"));
    assertError(rules, f, "triag:", "triag: unknown field");
  }

  @Test
  void aSeverityOutsideTheEnumIsRefused() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("detections/access-reopened.yaml");
    Files.writeString(f, Files.readString(f).replace("default: HIGH", "default: SEVERE"));
    assertError(rules, f, "default: SEVERE", "severity.default: must be one of");
  }

  @Test
  void aRaisedCaseMustBeAboveTheDefault() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("detections/sensitive-change-by-flagged-account.yaml");
    Files.writeString(f, Files.readString(f).replace("to: CRITICAL", "to: MEDIUM"));
    assertError(
        rules,
        f,
        "case: after_departure",
        "severity.raised[0].to: MEDIUM is not above the default HIGH");
  }

  @Test
  void aCaseTheCodeDoesNotHaveIsRefused() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("detections/post-departure-activity.yaml");
    Files.writeString(
        f, Files.readString(f).replace("case: every_attempt_failed", "case: all_failed"));
    assertError(
        rules, f, "case: all_failed", "severity.lowered[0].case: 'all_failed' is not a case");
  }

  @Test
  void aThresholdOutOfItsBoundsIsRefused() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("detections/known-ip-access-attempt.yaml");
    Files.writeString(
        f, Files.readString(f).replace("max_other_people: 2", "max_other_people: 50"));
    assertError(
        rules, f, "max_other_people: 50", "thresholds.max_other_people: must be between 0 and 10");
  }

  @Test
  void anUnknownWindowAndABadDurationAreRefused() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("detections/offboarding-incomplete.yaml");
    String original = Files.readString(f);
    Files.writeString(f, original.replace("not_before: 24h", "not_after: 24h"));
    assertError(rules, f, "not_after: 24h", "windows.not_after: unknown windows name");
    Files.writeString(f, original.replace("not_before: 24h", "not_before: a day"));
    assertError(rules, f, "not_before: a day", "windows.not_before: 'a day' is not a duration");
    Files.writeString(f, original);
    Path g = rules.resolve("detections/post-departure-activity.yaml");
    Files.writeString(g, Files.readString(g).replace("aggregation: 1h", "aggregation: 30m"));
    assertError(
        rules, g, "aggregation: 30m", "windows.aggregation: must be a whole number of hours");
  }

  @Test
  void aMissingRuleFileAndAnIdThatIsNotTheFileNameAreRefused() throws IOException {
    Path rules = copyRules();
    Path f = rules.resolve("detections/access-reopened.yaml");
    String text = Files.readString(f);
    Files.delete(f);
    assertThatThrownBy(() -> RuleSetLoader.load(rules))
        .isInstanceOf(RuleFileException.class)
        .hasMessage(f + ":1: file is missing (the detectors implement 'access-reopened')");
    Path renamed = rules.resolve("detections/access-reopened-2.yaml");
    Files.writeString(renamed, text);
    assertError(
        rules, renamed, "id: access-reopened", "id: 'access-reopened' must match the file name");
  }

  /** The error names the file, the line that holds {@code lineHolds}, and the field and reason. */
  private static void assertError(Path rules, Path file, String lineHolds, String fieldAndReason)
      throws IOException {
    String msg = null;
    try {
      RuleSetLoader.load(rules);
    } catch (RuleFileException e) {
      msg = e.getMessage();
    }
    assertThat(msg).as("loading %s fails", file).isNotNull().startsWith(file + ":");
    String rest = msg.substring(file.toString().length() + 1);
    int line = Integer.parseInt(rest.substring(0, rest.indexOf(':')));
    assertThat(Files.readAllLines(file).get(line - 1)).as(msg).contains(lineHolds);
    assertThat(rest.substring(rest.indexOf(':') + 1).trim()).as(msg).startsWith(fieldAndReason);
  }

  private Path copyRules() throws IOException {
    Path dst = tmp.resolve("rules");
    for (String sub : List.of("roles", "detections", "action-classes")) {
      Files.createDirectories(dst.resolve(sub));
      try (Stream<Path> files = Files.list(Rules.dir().resolve(sub))) {
        for (Path f : files.toList()) {
          Files.copy(f, dst.resolve(sub).resolve(f.getFileName()));
        }
      }
    }
    Files.copy(Rules.dir().resolve("automation.yaml"), dst.resolve("automation.yaml"));
    return dst;
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(Rules.dir().resolve("detections"))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static List<String> pinnedIds() throws IOException {
    try (InputStream in = DetectionCatalogueTest.class.getResourceAsStream("/detection-ids.txt")) {
      assertThat(in).as("detection-ids.txt on the test classpath").isNotNull();
      List<String> out = new ArrayList<>();
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!l.isBlank() && !l.startsWith("#")) {
          out.add(l.strip());
        }
      }
      return out;
    }
  }

  private static String stem(Path f) {
    return f.getFileName().toString().replaceFirst("\\.ya?ml$", "");
  }
}
