package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.Events.T0;
import static io.leaverwatch.core.detect.Events.T0_PLUS_1D;
import static io.leaverwatch.core.detect.Events.T0_PLUS_2H;
import static io.leaverwatch.core.detect.PersonDetectorTest.ALICE;
import static io.leaverwatch.core.detect.PersonDetectorTest.aliceOkta;
import static io.leaverwatch.core.detect.PersonDetectorTest.deactivate;
import static io.leaverwatch.core.detect.PersonDetectorTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.StepState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** OPEN → RESOLVED: access findings close when the access is gone, activity findings never. */
class FindingLifecycleTest {
  // okta-deactivate has a 1 h SLA: a revocation at T0 + 4 h 10 min is 3 h 10 min late
  static final Instant T0_PLUS_4H10M = T0.plus(Duration.ofMinutes(250));
  static final Instant T0_PLUS_2D = T0.plus(Duration.ofDays(2));

  @Test
  void aLateRevocationResolvesTheRetainedAccessWithLatenessAndActor() {
    InMemoryDetection d =
        aliceOkta(InMemoryDetection.streaming()).departure(ALICE).events(session(T0_PLUS_2H));
    d.advanceTo(T0_PLUS_2H.toEpochMilli());
    Finding open = d.of(FindingType.RETAINED_ACCESS).get(0);
    assertThat(open.getStatus()).isEqualTo(FindingStatus.OPEN);

    d.events(deactivate(T0_PLUS_4H10M));

    Finding resolved = d.findings.get(open.getFindingId());
    assertThat(resolved.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(resolved.getResolution())
        .isEqualTo("revoked 3 h 10 min late by svc-offboarding@example.com");
    assertThat(resolved.getResolvedAt()).isEqualTo(T0_PLUS_4H10M);
    assertThat(resolved.getRevision()).isGreaterThan(open.getRevision());
    assertThat(d.steps.values().iterator().next().getStatus()).isEqualTo(StepState.LATE);
    // activity happened: it stays open
    assertThat(d.of(FindingType.POST_DEPARTURE_ACTIVITY))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.getStatus()).isEqualTo(FindingStatus.OPEN));
  }

  @Test
  void aBoundedRunWithTheLateRevocationGivesTheResolvedStateTheStreamEndsWith() {
    InMemoryDetection bounded =
        aliceOkta(InMemoryDetection.bounded())
            .departure(ALICE)
            .events(session(T0_PLUS_2H), deactivate(T0_PLUS_4H10M))
            .end(T0_PLUS_1D.toEpochMilli());
    InMemoryDetection streaming =
        aliceOkta(InMemoryDetection.streaming()).departure(ALICE).events(session(T0_PLUS_2H));
    streaming.advanceTo(T0_PLUS_2H.toEpochMilli());
    streaming.events(deactivate(T0_PLUS_4H10M)).advanceTo(T0_PLUS_1D.toEpochMilli());

    Finding b = bounded.of(FindingType.RETAINED_ACCESS).get(0);
    assertThat(b.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(b.getResolution()).contains("3 h 10 min late");
    Finding s = streaming.findings.get(b.getFindingId());
    assertThat(s.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(s.getRevision()).isEqualTo(b.getRevision());
    assertThat(s.getResolvedAt()).isEqualTo(b.getResolvedAt());
  }

  @Test
  void offboardingIncompleteResolvesWhenTheLastMissingStepLandsLate() {
    InMemoryDetection d = aliceOkta(InMemoryDetection.streaming()).departure(ALICE);
    d.advanceTo(T0_PLUS_1D.toEpochMilli());
    Finding open = d.of(FindingType.OFFBOARDING_INCOMPLETE).get(0);
    assertThat(open.getStatus()).isEqualTo(FindingStatus.OPEN);

    d.events(deactivate(T0_PLUS_2D));

    Finding resolved = d.findings.get(open.getFindingId());
    assertThat(resolved.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(resolved.getResolution()).startsWith("no step left missing or failed");
    assertThat(resolved.getRevision()).isGreaterThan(open.getRevision());

    InMemoryDetection bounded =
        aliceOkta(InMemoryDetection.bounded())
            .departure(ALICE)
            .events(deactivate(T0_PLUS_2D))
            .end(T0_PLUS_2D.toEpochMilli());
    assertThat(bounded.findings.get(open.getFindingId()).getStatus())
        .isEqualTo(FindingStatus.RESOLVED);
  }

  @Test
  void aRescindedDepartureResolvesItsOpenAccessFindings() {
    InMemoryDetection d =
        aliceOkta(InMemoryDetection.streaming()).departure(ALICE).events(session(T0_PLUS_2H));
    d.advanceTo(T0_PLUS_1D.toEpochMilli());
    assertThat(d.of(FindingType.RETAINED_ACCESS)).hasSize(1);

    d.departure(Departure.newBuilder(ALICE).setStatus(DepartureStatus.RESCINDED).build());

    assertThat(d.of(FindingType.RETAINED_ACCESS))
        .allSatisfy(f -> assertThat(f.getResolution()).isEqualTo("departure rescinded"));
    assertThat(d.of(FindingType.OFFBOARDING_INCOMPLETE))
        .singleElement()
        .satisfies(f -> assertThat(f.getStatus()).isEqualTo(FindingStatus.RESOLVED));
    assertThat(d.of(FindingType.POST_DEPARTURE_ACTIVITY))
        .allSatisfy(f -> assertThat(f.getStatus()).isEqualTo(FindingStatus.OPEN));
  }
}
