package io.leaverwatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.report.ReportModel.DepartureBlock;
import io.leaverwatch.report.ReportModel.Headline;
import io.leaverwatch.report.ReportModel.PopulationEntry;
import io.leaverwatch.report.ReportModel.Reconciliation;
import io.leaverwatch.report.ReportModel.SystemTimes;
import io.leaverwatch.report.ReportModel.WeekTrend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The figures of {@link SmallOrganisation}, computed by hand:
 *
 * <ul>
 *   <li>W41 departures in HR's list: alice, bob, carol, dan (rescinded), frank = 5; erin left in
 *       W40. Reported: alice, bob, frank (3); carol has no step status (missing); dan excluded.
 *   <li>Steps: alice okta ON_TIME 30 min, github LATE 6 h, aws MISSING; bob okta ON_TIME 10 min,
 *       github ON_TIME 20 min (revision 2 supersedes the PENDING revision 1); frank okta PENDING.
 *       Due 5, on time 3, late 1, missing 1, failed 0, pending 1; SLA met 3/5 = 60 %.
 *   <li>okta: times 10, 30 min: median 20 min, p95 = 2nd of 2 = 30 min, SLA met 2/2. github: 20
 *       min, 6 h: median (20 + 360)/2 = 190 min, p95 6 h, SLA met 1/2. aws: 1 due, none done.
 *   <li>Findings of the reported departures: alice's github retained access (RESOLVED at revision
 *       2), aws retained access (OPEN), post-departure activity (3 events) = 3; open retained
 *       access 1; erin's finding is not in the period. Exceptions: f-aws by id, the github one by
 *       person+step = 2 approved; the activity finding is the 1 open exception; f-unknown matches
 *       nothing.
 *   <li>Trend: W40 1/1 = 100 %, W41 60 %, the six weeks before W40 have no data.
 * </ul>
 */
class ReportModelTest {
  private final ReportModel m = SmallOrganisation.model();

  @Test
  void thePopulationIsReconciledWithHrsList() {
    assertThat(m.population())
        .extracting(PopulationEntry::personId, PopulationEntry::reconciliation)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("p1", Reconciliation.REPORTED),
            org.assertj.core.groups.Tuple.tuple("p2", Reconciliation.REPORTED),
            org.assertj.core.groups.Tuple.tuple("p3", Reconciliation.MISSING),
            org.assertj.core.groups.Tuple.tuple("p4", Reconciliation.RESCINDED),
            org.assertj.core.groups.Tuple.tuple("p6", Reconciliation.REPORTED));
    assertThat(m.population().get(2).why()).contains("no step status");
    assertThat(m.departures())
        .extracting(DepartureBlock::personId)
        .containsExactly("p1", "p2", "p6");
  }

  @Test
  void headlineFiguresEqualTheHandComputation() {
    Headline h = m.headline();
    assertThat(h.population()).isEqualTo(5);
    assertThat(h.reported()).isEqualTo(3);
    assertThat(h.missingFromReport()).isEqualTo(1);
    assertThat(h.stepsDue()).isEqualTo(5);
    assertThat(h.onTime()).isEqualTo(3);
    assertThat(h.late()).isEqualTo(1);
    assertThat(h.missing()).isEqualTo(1);
    assertThat(h.failed()).isZero();
    assertThat(h.pending()).isEqualTo(1);
    assertThat(h.slaMetPct()).isEqualTo(60.0);
    assertThat(h.openRetainedAccess()).isEqualTo(1);
    assertThat(h.postDepartureActivityFindings()).isEqualTo(1);
    assertThat(h.postDepartureActivityEvents()).isEqualTo(3);
    assertThat(h.postDepartureActivityPeople()).isEqualTo(1);
    assertThat(h.findings()).isEqualTo(3);
    assertThat(h.exceptionsApproved()).isEqualTo(2);
    assertThat(h.exceptionsOpen()).isEqualTo(1);
  }

  @Test
  void timeToRevokePerSystemIsMedianAndNearestRankP95() {
    assertThat(m.systems())
        .extracting(SystemTimes::system)
        .containsExactly("aws", "github", "okta");
    SystemTimes aws = m.systems().get(0);
    SystemTimes github = m.systems().get(1);
    SystemTimes okta = m.systems().get(2);
    assertThat(aws.due()).isEqualTo(1);
    assertThat(aws.notDone()).isEqualTo(1);
    assertThat(aws.medianMs()).isNull();
    assertThat(aws.slaMetPct()).isEqualTo(0.0);
    assertThat(github.medianMs()).isEqualTo(Duration.ofMinutes(190).toMillis());
    assertThat(github.p95Ms()).isEqualTo(Duration.ofHours(6).toMillis());
    assertThat(github.slaMetPct()).isEqualTo(50.0);
    assertThat(github.slaMs()).isEqualTo(Duration.ofHours(4).toMillis());
    assertThat(okta.medianMs()).isEqualTo(Duration.ofMinutes(20).toMillis());
    assertThat(okta.p95Ms()).isEqualTo(Duration.ofMinutes(30).toMillis());
    assertThat(okta.slaMetPct()).isEqualTo(100.0);
  }

  @Test
  void theSlaTrendCoversEightWeeksEndingWithThePeriod() {
    assertThat(m.trend())
        .extracting(WeekTrend::week)
        .hasSize(8)
        .startsWith("2026-W34")
        .endsWith("2026-W41");
    assertThat(m.trend().get(6).slaMetPct()).isEqualTo(100.0);
    assertThat(m.trend().get(7).slaMetPct()).isEqualTo(60.0);
    assertThat(m.trend().subList(0, 6)).allSatisfy(w -> assertThat(w.slaMetPct()).isNull());
  }

  @Test
  void evidenceBlocksSayWhetherAnythingHappenedAfterTheRevocation() {
    DepartureBlock alice = m.departures().get(0);
    DepartureBlock bob = m.departures().get(1);
    StepRow aliceOkta =
        alice.steps().stream().filter(s -> s.system().equals("okta")).findFirst().orElseThrow();
    assertThat(aliceOkta.activityAfterRevocation()).isTrue();
    assertThat(alice.quietAfterRevocation()).isFalse();
    assertThat(bob.quietAfterRevocation()).isTrue();
    assertThat(bob.steps()).extracting(StepRow::status).containsExactly("ON_TIME", "ON_TIME");
  }

  @Test
  void exceptionsBecomeAcceptedRowsAndTheRestOpenExceptions() {
    assertThat(m.accepted())
        .extracting(x -> x.finding().findingId())
        .containsExactlyInAnyOrder("f-aws", "f-gh");
    assertThat(m.openExceptions()).extracting(FindingRow::findingId).containsExactly("f-pda");
    assertThat(m.unmatchedExceptions())
        .extracting(ExceptionRow::findingId)
        .containsExactly("f-unknown");
  }

  @Test
  void findingsCountAtTheirNewestRevision() {
    FindingRow gh =
        m.departures().get(0).findings().stream()
            .map(ReportModel.FindingView::finding)
            .filter(f -> f.findingId().equals("f-gh"))
            .findFirst()
            .orElseThrow();
    assertThat(gh.status()).isEqualTo("RESOLVED");
    assertThat(gh.resolution()).isEqualTo("the revocation landed at 16:00");
    assertThat(List.of(gh.revision())).containsExactly(2L);
  }
}
