package io.leaverwatch.jobs.topology;

import static io.leaverwatch.jobs.topology.TestSignals.ALICE_EMAIL;
import static io.leaverwatch.jobs.topology.TestSignals.PAST_HORIZON;
import static io.leaverwatch.jobs.topology.TestSignals.T0;
import static io.leaverwatch.jobs.topology.TestSignals.T0_MINUS_5D;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_10M;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_1D;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_1H;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_2H;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_30M;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_59M;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_5H;
import static io.leaverwatch.jobs.topology.TestSignals.aliceSession;
import static io.leaverwatch.jobs.topology.TestSignals.deactivateAlice;
import static io.leaverwatch.jobs.topology.TestSignals.link;
import static io.leaverwatch.jobs.topology.TestSignals.rescinded;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-person detector as Flink runs it in streaming mode: event time, watermarks, timers. */
class PersonDetectorFunctionTest {
  static final Departure ALICE = TestSignals.departure("p1", ALICE_EMAIL, T0);

  private KeyedBroadcastOperatorTestHarness<String, PersonSignal, Map<String, String>, Finding>
      harness;
  private TestSignals.Resolver resolver;

  @BeforeEach
  void open() throws Exception {
    harness = TestSignals.personDetectors();
    resolver = new TestSignals.Resolver();
    identities();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void outOfOrderEventsAfterDepartureAreOneFindingPerHourWithTheirFirstAndLastSeen()
      throws Exception {
    departure(ALICE);
    watermark(T0);
    event(deactivateAlice(T0_PLUS_10M));
    // the second hour's events arrive newest first, inside the allowed out-of-orderness
    event(aliceSession(T0_PLUS_2H.plusSeconds(1200)));
    event(aliceSession(T0_PLUS_2H.plusSeconds(60)));
    event(aliceSession(T0_PLUS_2H.plusSeconds(600)));
    event(aliceSession(T0_PLUS_5H));

    List<Finding> pda = latestOf(FindingType.POST_DEPARTURE_ACTIVITY);
    assertThat(pda).hasSize(2);
    Finding second = pda.stream().filter(f -> f.getEventCount() == 3).findFirst().orElseThrow();
    assertThat(second.getFirstSeen()).isEqualTo(T0_PLUS_2H.plusSeconds(60));
    assertThat(second.getLastSeen()).isEqualTo(T0_PLUS_2H.plusSeconds(1200));
    assertThat(second.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(second.getEventIds()).hasSize(3);
  }

  @Test
  void aDepartureThatArrivesAfterTheEventsStillFlagsThem() throws Exception {
    event(aliceSession(T0_MINUS_5D));
    event(deactivateAlice(T0_PLUS_10M));
    event(aliceSession(T0_PLUS_2H));
    watermark(T0_PLUS_5H);
    assertThat(harness.extractOutputValues()).isEmpty();

    // HR's record arrives hours late, departed_at in the past
    departure(ALICE);

    List<Finding> pda = latestOf(FindingType.POST_DEPARTURE_ACTIVITY);
    assertThat(pda).hasSize(1);
    assertThat(pda.get(0).getFirstSeen()).isEqualTo(T0_PLUS_2H);
    assertThat(pda.get(0).getDepartedAt()).isEqualTo(T0);
  }

  @Test
  void aLateDepartureWhoseDeadlineHasPassedWithoutRevocationIsRetainedAccess() throws Exception {
    event(aliceSession(T0_PLUS_2H));
    watermark(T0_PLUS_5H);

    // no deactivation was ever seen and the 1h Okta deadline is already behind the watermark
    departure(ALICE);
    watermark(T0_PLUS_1D);

    assertThat(latestOf(FindingType.RETAINED_ACCESS))
        .extracting(Finding::getAction)
        .containsExactly("okta-deactivate");
  }

  @Test
  void theRevocationDeadlineTimerFiresRetainedAccessWhenNothingRevokedTheAccess() throws Exception {
    departure(ALICE);
    event(aliceSession(T0_PLUS_30M));
    watermark(T0_PLUS_59M);
    assertThat(latestOf(FindingType.RETAINED_ACCESS)).isEmpty();

    watermark(T0_PLUS_1H);

    List<Finding> retained = latestOf(FindingType.RETAINED_ACCESS);
    assertThat(retained).hasSize(1);
    assertThat(retained.get(0).getAction()).isEqualTo("okta-deactivate");
    assertThat(retained.get(0).getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(retained.get(0).getLastSeen()).isEqualTo(T0_PLUS_1H);
    assertThat(latestStep("okta-deactivate").getStatus()).isEqualTo(StepState.MISSING);

    watermark(T0_PLUS_1D);
    assertThat(latestOf(FindingType.OFFBOARDING_INCOMPLETE)).hasSize(1);
  }

  @Test
  void aRevocationAfterTheDeadlineResolvesTheRetainedAccessTheTimerOpened() throws Exception {
    departure(ALICE);
    watermark(T0_PLUS_1H);
    Finding open = latestOf(FindingType.RETAINED_ACCESS).get(0);
    assertThat(open.getStatus()).isEqualTo(io.leaverwatch.schema.FindingStatus.OPEN);

    event(deactivateAlice(T0_PLUS_2H));

    Finding resolved = latestOf(FindingType.RETAINED_ACCESS).get(0);
    assertThat(resolved.getFindingId()).isEqualTo(open.getFindingId());
    assertThat(resolved.getStatus()).isEqualTo(io.leaverwatch.schema.FindingStatus.RESOLVED);
    assertThat(resolved.getResolution()).startsWith("revoked 1 h late");
    assertThat(resolved.getRevision()).isGreaterThan(open.getRevision());
    assertThat(latestStep("okta-deactivate").getStatus()).isEqualTo(StepState.LATE);
  }

  @Test
  void aRevocationInTimeMeansNoRetainedAccessAndAnOnTimeStep() throws Exception {
    departure(ALICE);
    event(deactivateAlice(T0_PLUS_30M));
    watermark(T0_PLUS_1D);

    assertThat(latestOf(FindingType.RETAINED_ACCESS)).isEmpty();
    assertThat(latestOf(FindingType.OFFBOARDING_INCOMPLETE)).isEmpty();
    OffboardingStepStatus step = latestStep("okta-deactivate");
    assertThat(step.getStatus()).isEqualTo(StepState.ON_TIME);
    assertThat(step.getTimeToRevokeMs()).isEqualTo(Duration.ofMinutes(30).toMillis());
  }

  @Test
  void aRescindedDepartureEmitsNothingMore() throws Exception {
    departure(ALICE);
    event(aliceSession(T0_PLUS_30M));
    int before = harness.extractOutputValues().size();
    assertThat(before).isEqualTo(1);

    departure(rescinded(ALICE));
    event(aliceSession(T0_PLUS_2H));
    event(aliceSession(T0_PLUS_5H));
    watermark(PAST_HORIZON);

    assertThat(harness.extractOutputValues()).hasSize(before);
    assertThat(TestSignals.numKeyedStateEntries(harness)).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void stateAndTimersAreGoneOnceTheOffboardingIsFinalAndTheHorizonHasPassed() throws Exception {
    departure(ALICE);
    event(deactivateAlice(T0_PLUS_10M));
    event(aliceSession(T0_PLUS_2H));
    watermark(T0_PLUS_1D);
    assertThat(TestSignals.numKeyedStateEntries(harness)).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isPositive();

    watermark(PAST_HORIZON);

    assertThat(TestSignals.numKeyedStateEntries(harness)).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void stateAndTimersAreGoneAfterAnIncompleteOffboarding() throws Exception {
    departure(ALICE);
    event(aliceSession(T0_PLUS_2H));
    watermark(T0_PLUS_1D);
    assertThat(latestOf(FindingType.OFFBOARDING_INCOMPLETE)).hasSize(1);

    watermark(PAST_HORIZON);

    assertThat(TestSignals.numKeyedStateEntries(harness)).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void activityWeeksAfterTheHorizonIsStillPostDepartureActivity() throws Exception {
    departure(ALICE);
    event(deactivateAlice(T0_PLUS_10M));
    watermark(PAST_HORIZON);

    event(aliceSession(PAST_HORIZON.plus(Duration.ofDays(5))));

    assertThat(latestOf(FindingType.POST_DEPARTURE_ACTIVITY)).hasSize(1);
  }

  @Test
  void theHistoryOfSomeoneWhoNeverLeftExpires() throws Exception {
    event(aliceSession(T0));
    event(aliceSession(T0_PLUS_2H));
    assertThat(TestSignals.numKeyedStateEntries(harness)).isEqualTo(1);

    watermark(PAST_HORIZON);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(TestSignals.numKeyedStateEntries(harness)).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void eventsDeliveredTwiceAreCountedOnceInEveryFindingAndStep() throws Exception {
    departure(ALICE);
    AuditEvent refused =
        AuditEvent.newBuilder(deactivateAlice(T0_PLUS_30M))
            .setOutcome(
                new io.leaverwatch.schema.Outcome(
                    io.leaverwatch.schema.OutcomeResult.FAILURE, "E0000006"))
            .build();
    AuditEvent revoked = deactivateAlice(T0_PLUS_2H.plusSeconds(30));
    // more events in one hour than a bucket keeps one by one: the rest are counted by id hash
    List<AuditEvent> sessions = new java.util.ArrayList<>();
    for (int i = 0; i < 250; i++) {
      sessions.add(aliceSession(T0_PLUS_2H.plusSeconds(60 + i)));
    }
    for (int delivery = 0; delivery < 2; delivery++) {
      for (AuditEvent e : sessions) {
        event(AuditEvent.newBuilder(e).build());
      }
      event(AuditEvent.newBuilder(refused).build());
      event(AuditEvent.newBuilder(revoked).build());
    }
    watermark(T0_PLUS_1D);

    Finding pda = latestOf(FindingType.POST_DEPARTURE_ACTIVITY).get(0);
    assertThat(pda.getEventCount()).isEqualTo(250);
    assertThat(pda.getEventIds()).doesNotHaveDuplicates();
    Finding late = latestOf(FindingType.RETAINED_ACCESS).get(0);
    assertThat(late.getEventCount()).isEqualTo(1);
    assertThat(late.getEventIds()).containsExactly(refused.getEventId());
    assertThat(latestStep("okta-deactivate").getEvidenceEventIds())
        .containsExactly(revoked.getEventId());

    watermark(PAST_HORIZON);
    assertThat(TestSignals.numKeyedStateEntries(harness)).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aLaterCompleteSnapshotWithoutTheGrantResolvesTheSnapshotFinding() throws Exception {
    departure(ALICE);
    io.leaverwatch.schema.AccessGrant user =
        io.leaverwatch.schema.AccessGrant.newBuilder()
            .setSystem("okta")
            .setIdentity("00ualice")
            .setGrant("okta_user")
            .setObservedAt(T0_PLUS_2H)
            .build();
    feed(resolver.grant(user), T0_PLUS_2H.toEpochMilli());
    feed(resolver.grant(complete("okta", T0_PLUS_2H)), T0_PLUS_2H.toEpochMilli());
    watermark(T0_PLUS_5H);
    Finding open = snapshotFinding();
    assertThat(open.getStatus()).isEqualTo(io.leaverwatch.schema.FindingStatus.OPEN);

    // the next okta snapshot, read to its end, no longer lists the user
    feed(resolver.grant(complete("okta", T0_PLUS_1D)), T0_PLUS_1D.toEpochMilli());
    Finding resolved = snapshotFinding();
    assertThat(resolved.getStatus()).isEqualTo(io.leaverwatch.schema.FindingStatus.RESOLVED);
    assertThat(resolved.getResolution())
        .isEqualTo("no longer in the okta access snapshot of " + T0_PLUS_1D);
    assertThat(resolved.getRevision()).isGreaterThan(open.getRevision());
  }

  private static io.leaverwatch.schema.AccessGrant complete(String system, Instant at) {
    return io.leaverwatch.schema.AccessGrant.newBuilder()
        .setSystem(system)
        .setGrant("")
        .setObservedAt(at)
        .setComplete(true)
        .build();
  }

  private Finding snapshotFinding() {
    List<Finding> fromSnapshot =
        latestOf(FindingType.RETAINED_ACCESS).stream()
            .filter(f -> f.getRuleId().contains("snapshot"))
            .collect(Collectors.toList());
    assertThat(fromSnapshot).hasSize(1);
    return fromSnapshot.get(0);
  }

  // ---------------------------------------------------------------- driving the harness

  private void identities() throws Exception {
    feed(resolver.identity(link("p1", "okta", "00ualice")), Long.MIN_VALUE);
    feed(resolver.identity(link("p1", "email", ALICE_EMAIL)), Long.MIN_VALUE);
  }

  private void departure(Departure d) throws Exception {
    feed(resolver.departure(d), d.getDepartedAt().toEpochMilli());
  }

  private void event(AuditEvent e) throws Exception {
    feed(resolver.event(e), e.getEventTime().toEpochMilli());
  }

  private void feed(List<PersonSignal> signals, long timestamp) throws Exception {
    for (PersonSignal s : TestSignals.Resolver.forPersons(signals)) {
      harness.processElement(s, timestamp);
    }
  }

  private void watermark(Instant t) throws Exception {
    harness.watermark(t.toEpochMilli());
  }

  /** Findings are re-emitted as they grow: the latest version of each finding_id counts. */
  private List<Finding> latestOf(FindingType type) {
    java.util.Map<String, Finding> latest = new java.util.TreeMap<>();
    for (Finding f : harness.extractOutputValues()) {
      latest.put(f.getFindingId(), f);
    }
    return latest.values().stream().filter(f -> f.getType() == type).collect(Collectors.toList());
  }

  private OffboardingStepStatus latestStep(String stepId) {
    OffboardingStepStatus last = null;
    for (StreamRecord<OffboardingStepStatus> r :
        harness.getSideOutput(PersonDetectorFunction.STEP_STATUSES)) {
      if (r.getValue().getStepId().equals(stepId)) {
        last = r.getValue();
      }
    }
    assertThat(last).as("a status for step %s", stepId).isNotNull();
    return last;
  }
}
