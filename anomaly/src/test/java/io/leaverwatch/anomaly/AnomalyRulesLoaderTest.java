package io.leaverwatch.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.core.rules.RuleFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule file: what the shipped one declares, and errors that name the file, line and field. */
class AnomalyRulesLoaderTest {
  @TempDir Path dir;

  private static final String VALID =
      String.join(
          "\n",
          "schema_version: 1",
          "rule_id: anomalous-activity",
          "forest: {trees: 10, subsample: 64, max_depth: 8, seed: 1}",
          "bands:",
          "  - {min_score: 0.0, severity: MEDIUM}",
          "features:",
          "  - {name: git.clone, kind: count, min_spread: 2,",
          "     match: {sources: [GITHUB], actions: [git.clone]}}",
          "  - {name: off-hours share, kind: off_hours_share, min_spread: 0.1}",
          "");

  private Path write(String text) throws IOException {
    Path f = dir.resolve("anomalous-activity.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void theShippedRuleFileDeclaresEveryFeatureTheIssueNames() {
    AnomalyRules r = Events.rules();

    assertThat(r.features())
        .extracting(FeatureDefinition::name)
        .contains(
            "github.DATA_ACCESS",
            "okta.AUTHENTICATION",
            "git.clone",
            "archive downloads",
            "dynamodb.Scan",
            "s3.GetObject",
            "secret reads",
            "distinct repositories",
            "distinct tables",
            "distinct buckets",
            "new repositories",
            "distinct source IPs",
            "new source IPs",
            "off-hours share",
            "failure share");
    assertThat(r.alertBudgetPer1000()).isEqualTo(1.0);
    assertThat(r.dayBoundary().getTotalSeconds()).isZero();
    assertThat(r.severityOf(0.95)).isEqualTo("CRITICAL");
    assertThat(r.severityOf(0.4)).isEqualTo("MEDIUM");
  }

  @Test
  void aMinimalFileLoadsWithDefaults() throws IOException {
    AnomalyRules r = AnomalyRulesLoader.load(write(VALID));

    assertThat(r.featureCount()).isEqualTo(2);
    assertThat(r.scoredDaysBeforeDeparture()).isEqualTo(30);
    assertThat(r.minPeersPerRole()).isEqualTo(20);
  }

  @Test
  void anUnknownKindNamesItsLine() throws IOException {
    Path f = write(VALID.replace("kind: off_hours_share", "kind: night_owl"));

    assertThatThrownBy(() -> AnomalyRulesLoader.load(f))
        .isInstanceOf(RuleFileException.class)
        .hasMessageStartingWith(f + ":9: features[1].kind: 'night_owl' must be one of count,");
  }

  @Test
  void anUnknownFieldNamesItsLine() throws IOException {
    Path f = write(VALID.replace("min_spread: 2,", "min_spread: 2, treshold: 3,"));

    assertThatThrownBy(() -> AnomalyRulesLoader.load(f))
        .hasMessage(f + ":7: features[0].treshold: unknown field");
  }

  @Test
  void aDuplicateNameAnUnknownSourceAndABadPatternNameTheirLines() throws IOException {
    Path dup = write(VALID.replace("name: off-hours share", "name: git.clone"));
    assertThatThrownBy(() -> AnomalyRulesLoader.load(dup))
        .hasMessage(dup + ":7: features[1].name: 'git.clone' is used twice");

    Path source = write(VALID.replace("sources: [GITHUB]", "sources: [GITLAB]"));
    assertThatThrownBy(() -> AnomalyRulesLoader.load(source))
        .hasMessageStartingWith(source + ":7: features[0].match.sources: 'GITLAB' must be one of");

    Path pattern =
        write(
            VALID.replace(
                "  - {name: off-hours share, kind: off_hours_share, min_spread: 0.1}",
                "  - {name: tables, kind: distinct, min_spread: 1,\n"
                    + "     match: {sources: [DYNAMODB]}, resource_pattern: \"table/(\"}"));
    assertThatThrownBy(() -> AnomalyRulesLoader.load(pattern))
        .hasMessageStartingWith(
            pattern + ":9: features[1].resource_pattern: not a valid regular expression");
  }

  @Test
  void aBadDayBoundaryBudgetOrBandOrderNamesTheField() throws IOException {
    Path day = write("day_boundary: \"+25:00\"\n" + VALID);
    assertThatThrownBy(() -> AnomalyRulesLoader.load(day))
        .hasMessage(day + ":1: day_boundary: '+25:00' is not a UTC offset such as +00:00");

    Path budget = write(VALID + "alert_budget_per_1000: 0\n");
    assertThatThrownBy(() -> AnomalyRulesLoader.load(budget))
        .hasMessage(budget + ":10: alert_budget_per_1000: must be > 0 and < 1000, got 0.0");

    Path bands =
        write(
            VALID.replace(
                "  - {min_score: 0.0, severity: MEDIUM}",
                "  - {min_score: 0.5, severity: HIGH}\n  - {min_score: 0.2, severity: LOW}"));
    assertThatThrownBy(() -> AnomalyRulesLoader.load(bands))
        .hasMessageStartingWith(bands + ":")
        .hasMessageContaining("bands[1].min_score: bands must be listed lowest first");
  }
}
