package io.leaverwatch.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Rankings and explanations: the forest is randomised, so no exact scores are asserted. */
class AnomalyScorerTest {
  private static final int CLONES = 46;

  private final SyntheticOrg org = new SyntheticOrg(42, CLONES);
  private final Departure leaver = SyntheticOrg.departure();
  private final AnomalyModel model = train(org);

  private static AnomalyModel train(SyntheticOrg org) {
    PersonDays.Extraction x = new PersonDays.Extraction(org.days, 0, 0, 0);
    return AnomalyDetection.train(org.rules, x, List.of(SyntheticOrg.departure()), org.roles);
  }

  private List<DayScore> window() {
    return AnomalyDetection.scoreWindows(
        model, new PersonDays.Extraction(org.days, 0, 0, 0), List.of(leaver));
  }

  @Test
  void aMassCloneDayRanksAboveEveryOrdinaryDay() {
    List<DayScore> scored = window();
    DayScore clone =
        scored.stream()
            .filter(s -> s.day().day() == org.rules.dayOf(Events.at(SyntheticOrg.CLONE_DAY, 0)))
            .findFirst()
            .orElseThrow();
    AnomalyScorer scorer = new AnomalyScorer(model);
    double bestOrdinary =
        org.days.entrySet().stream()
            .flatMap(e -> e.getValue().stream())
            .filter(d -> d != clone.day())
            .mapToDouble(d -> scorer.score(d, "software-engineer").score())
            .max()
            .orElseThrow();

    assertThat(scored.stream().max(Comparator.comparingDouble(DayScore::score)).orElseThrow())
        .isSameAs(clone);
    assertThat(clone.score()).isGreaterThan(bestOrdinary);
    assertThat(clone.score()).isGreaterThan(model.threshold());
  }

  @Test
  void theTrainingLeavesTheLeaversScoredWindowOut() {
    int all = org.days.values().stream().mapToInt(List::size).sum();
    int window = window().size();

    assertThat(model.trainingDays()).isEqualTo(all - window);
    assertThat(model.roleModels()).containsOnlyKeys("software-engineer");
  }

  @Test
  void theFindingNamesTheDayTheScoreAndTheTopFeaturesInWords() {
    List<Finding> findings = AnomalyDetection.findings(model, window(), List.of(leaver), "v1");

    assertThat(findings).singleElement();
    Finding f = findings.get(0);
    assertThat(f.getType()).isEqualTo(FindingType.ANOMALOUS_ACTIVITY);
    assertThat(f.getPersonId()).isEqualTo("p000");
    assertThat(f.getDetails()).containsEntry("day", "2026-11-17").containsKey("score");
    assertThat(f.getDetails().get("feature_1"))
        .matches(
            "(git\\.clone|distinct repositories|github\\.DATA_ACCESS): \\d+ in a day;"
                + " role median \\d+(\\.\\d)?; own median \\d+(\\.\\d)?");
    Map<String, String> top =
        f.getDetails().entrySet().stream()
            .filter(e -> e.getKey().startsWith("feature_"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(top.values())
        .anyMatch(
            s ->
                s.startsWith(
                    "git.clone: " + (CLONES + countOrdinaryClones()) + " in a day; role median "));
    assertThat(f.getSummary()).contains("2026-11-17").contains("git.clone: ");
    // evidence: ids of the events behind the top features, the mass clone among them
    assertThat(f.getEventIds()).isNotEmpty().anyMatch(org.cloneIds::contains);
    assertThat(f.getSeverity().name())
        .isEqualTo(model.rules().severityOf(Double.parseDouble(f.getDetails().get("score"))));
  }

  @Test
  void theFindingIdIsStableAcrossRetrainingAndNamesTheDay() {
    SyntheticOrg again = new SyntheticOrg(42, CLONES);
    AnomalyModel other = train(again);
    List<Finding> a = AnomalyDetection.findings(model, window(), List.of(leaver), "v1");
    List<Finding> b =
        AnomalyDetection.findings(
            other,
            AnomalyDetection.scoreWindows(
                other, new PersonDays.Extraction(again.days, 0, 0, 0), List.of(leaver)),
            List.of(leaver),
            "v2");

    assertThat(b)
        .extracting(Finding::getFindingId)
        .isEqualTo(a.stream().map(Finding::getFindingId).toList());
    assertThat(a.get(0).getFindingId())
        .isEqualTo(
            AnomalyFindings.findingId(
                "p000",
                "anomalous-activity",
                org.rules.dayOf(Events.at(SyntheticOrg.CLONE_DAY, 0))));
  }

  @Test
  void aLeaverWhoBehavesAsUsualHasNoFinding() {
    SyntheticOrg usual = new SyntheticOrg(42, 0);
    AnomalyModel m = train(usual);
    List<DayScore> scored =
        AnomalyDetection.scoreWindows(
            m, new PersonDays.Extraction(usual.days, 0, 0, 0), List.of(leaver));

    assertThat(scored).isNotEmpty();
    assertThat(AnomalyDetection.findings(m, scored, List.of(leaver), "v1")).isEmpty();
  }

  private long countOrdinaryClones() {
    int f = Events.feature(org.rules, "git.clone");
    PersonDay d =
        org.days.get("p000").stream()
            .filter(x -> x.day() == org.rules.dayOf(Events.at(SyntheticOrg.CLONE_DAY, 0)))
            .findFirst()
            .orElseThrow();
    return (long) d.values()[f] - CLONES;
  }
}
