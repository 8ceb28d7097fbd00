package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.Events.T0;
import static io.leaverwatch.core.detect.Events.T0_PLUS_10M;
import static io.leaverwatch.core.detect.Events.T0_PLUS_1D;
import static io.leaverwatch.core.detect.Events.T0_PLUS_2H;
import static io.leaverwatch.core.detect.Events.T0_PLUS_30M;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.StepState;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RevisionsTest {

  static InMemoryDetection burst(InMemoryDetection d, Instant hour, int n) {
    for (int i = 0; i < n; i++) {
      d.events(PersonDetectorTest.session(hour.plusSeconds(i * 60L)));
    }
    return d;
  }

  static InMemoryDetection streamingAlice() {
    return PersonDetectorTest.aliceOkta(InMemoryDetection.streaming())
        .departure(PersonDetectorTest.ALICE)
        .events(PersonDetectorTest.deactivate(T0_PLUS_10M));
  }

  @Test
  void everyNewVersionOfAGrowingFindingHasAHigherRevision() {
    InMemoryDetection d = burst(streamingAlice(), T0_PLUS_2H.plusSeconds(600), 5);
    // one event that happened earlier in the same hour arrives late: count grows, last_seen not
    d.events(PersonDetectorTest.session(T0_PLUS_2H.plusSeconds(300)));

    List<Finding> versions =
        d.emitted.stream()
            .filter(f -> f.getType() == FindingType.POST_DEPARTURE_ACTIVITY)
            .collect(Collectors.toList());
    assertThat(versions).hasSize(6);
    assertThat(versions)
        .extracting(Finding::getFindingId)
        .containsOnly(versions.get(0).getFindingId());
    for (int i = 1; i < versions.size(); i++) {
      assertThat(versions.get(i).getRevision())
          .as("version %d", i)
          .isGreaterThan(versions.get(i - 1).getRevision());
    }
  }

  @Test
  void aReplayFromScratchYieldsTheSameRevisionForTheSameState() {
    Finding first =
        burst(streamingAlice(), T0_PLUS_2H, 4).of(FindingType.POST_DEPARTURE_ACTIVITY).get(0);
    Finding replayed =
        burst(streamingAlice(), T0_PLUS_2H, 4).of(FindingType.POST_DEPARTURE_ACTIVITY).get(0);
    Finding bounded =
        burst(
                PersonDetectorTest.aliceOkta(InMemoryDetection.bounded())
                    .departure(PersonDetectorTest.ALICE)
                    .events(PersonDetectorTest.deactivate(T0_PLUS_10M)),
                T0_PLUS_2H,
                4)
            .end(null)
            .of(FindingType.POST_DEPARTURE_ACTIVITY)
            .get(0);

    assertThat(first.getRevision()).isPositive();
    assertThat(replayed.getRevision()).isEqualTo(first.getRevision());
    assertThat(bounded.getRevision()).isEqualTo(first.getRevision());
  }

  @Test
  void theFormulaIsTwiceLastSeenPlusCountAndResolvedRanksAboveOpen() {
    Finding open = FindingBoundsTest.finding().setEventCount(7).setLastSeen(T0_PLUS_2H).build();
    assertThat(Revisions.of(open)).isEqualTo(2 * (T0_PLUS_2H.toEpochMilli() + 7));

    Finding resolvedAtLastEvent =
        Finding.newBuilder(open)
            .setStatus(FindingStatus.RESOLVED)
            .setResolvedAt(T0_PLUS_2H)
            .build();
    Finding resolvedLater =
        Finding.newBuilder(resolvedAtLastEvent).setResolvedAt(T0_PLUS_1D).build();
    Finding activityAfterResolution =
        Finding.newBuilder(resolvedLater)
            .setStatus(FindingStatus.OPEN)
            .setResolvedAt(null)
            .setLastSeen(T0_PLUS_1D.plusSeconds(1))
            .setEventCount(8)
            .build();
    assertThat(Revisions.of(resolvedAtLastEvent)).isGreaterThan(Revisions.of(open));
    assertThat(Revisions.of(resolvedLater)).isGreaterThan(Revisions.of(resolvedAtLastEvent));
    assertThat(Revisions.of(activityAfterResolution)).isGreaterThan(Revisions.of(resolvedLater));
  }

  @Test
  void aStepJudgedAsOfAnEarlierInstantNeverOutranksTheLaterJudgement() {
    long active = T0_PLUS_1D.plusSeconds(3600).toEpochMilli(); // the latest activity possible
    long pending = Revisions.ofStep(StepState.PENDING, null, 3, active);
    long missing = Revisions.ofStep(StepState.MISSING, null, 0, active);
    long failed = Revisions.ofStep(StepState.FAILED, null, 1, active);
    long late = Revisions.ofStep(StepState.LATE, T0_PLUS_1D.toEpochMilli(), 1, active);
    long lateButEarlier = Revisions.ofStep(StepState.LATE, T0_PLUS_2H.toEpochMilli(), 1, active);
    long onTime = Revisions.ofStep(StepState.ON_TIME, T0.toEpochMilli(), 1, active);
    assertThat(List.of(pending, missing, failed, late, lateButEarlier, onTime)).isSorted();
    assertThat(Revisions.ofStep(StepState.PENDING, null, 4, active)).isGreaterThan(pending);
    assertThat(Revisions.ofStep(StepState.PENDING, null, 3, active + 1)).isGreaterThan(pending);
    assertThat(Revisions.ofStep(StepState.LATE, T0_PLUS_1D.toEpochMilli(), 1, active + 1))
        .isGreaterThan(late);
    assertThat(onTime).isPositive();
    assertThat(Revisions.ofStep(StepState.ON_TIME, 0L, 4095, Long.MAX_VALUE)).isPositive();
  }

  @Test
  void aStepStatusWhoseLastActivityMovedOnlyHasAHigherRevision() {
    // done on time at T0+10m; Alice then logs in at T0+30m; the deadline (T0+1h) re-judges it
    InMemoryDetection d = streamingAlice().events(PersonDetectorTest.session(T0_PLUS_30M));
    d.advanceTo(T0_PLUS_2H.toEpochMilli());

    List<OffboardingStepStatus> versions = d.emittedSteps;
    assertThat(versions).hasSizeGreaterThanOrEqualTo(2);
    OffboardingStepStatus first = versions.get(0);
    OffboardingStepStatus last = versions.get(versions.size() - 1);
    assertThat(last.getStatusId()).isEqualTo(first.getStatusId());
    assertThat(last.getStatus()).isEqualTo(first.getStatus()).isEqualTo(StepState.ON_TIME);
    assertThat(last.getCompletedAt()).isEqualTo(first.getCompletedAt());
    assertThat(last.getEvidenceEventIds()).isEqualTo(first.getEvidenceEventIds());
    assertThat(first.getLastActivityAt()).isNotEqualTo(T0_PLUS_30M);
    assertThat(last.getLastActivityAt()).isEqualTo(T0_PLUS_30M);
    assertThat(last.getLastActivityEventId()).isNotNull();
    assertThat(last.getRevision())
        .as("Elasticsearch keeps the version with the higher revision: the newer last activity")
        .isGreaterThan(first.getRevision());
  }

  @Test
  void theDetectorStampsStepStatusesWithTheirRevision() {
    InMemoryDetection d = streamingAlice();
    OffboardingStepStatus s = d.steps.values().iterator().next();
    assertThat(s.getStatus()).isEqualTo(StepState.ON_TIME);
    assertThat(s.getRevision())
        .isEqualTo(
            Revisions.ofStep(
                StepState.ON_TIME,
                s.getCompletedAt().toEpochMilli(),
                s.getEvidenceEventIds().size(),
                s.getLastActivityAt() == null ? null : s.getLastActivityAt().toEpochMilli()));
  }
}
