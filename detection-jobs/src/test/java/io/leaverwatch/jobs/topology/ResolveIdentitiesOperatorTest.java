package io.leaverwatch.jobs.topology;

import static io.leaverwatch.jobs.topology.TestSignals.ALICE_EMAIL;
import static io.leaverwatch.jobs.topology.TestSignals.PAST_HORIZON;
import static io.leaverwatch.jobs.topology.TestSignals.T0;
import static io.leaverwatch.jobs.topology.TestSignals.aliceSession;
import static io.leaverwatch.jobs.topology.TestSignals.link;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The identity resolver across a restart: what it knows must come back from its snapshot. */
class ResolveIdentitiesOperatorTest {
  static final Departure ALICE = TestSignals.departure("p1", ALICE_EMAIL, T0);

  private static OneInputStreamOperatorTestHarness<PersonSignal, PersonSignal> resolver()
      throws Exception {
    return new OneInputStreamOperatorTestHarness<>(
        new ResolveIdentitiesOperator(List.of(), false, null));
  }

  private static PersonSignal identity(String system, String id) {
    return PersonSignal.newBuilder()
        .setKind(SignalKind.IDENTITY)
        .setPersonId("p1")
        .setLink(link("p1", system, id))
        .build();
  }

  private static PersonSignal departure(Departure d) {
    return PersonSignal.newBuilder()
        .setKind(SignalKind.DEPARTURE)
        .setPersonId(d.getPersonId())
        .setDeparture(d)
        .build();
  }

  private static PersonSignal event(AuditEvent e) {
    return io.leaverwatch.core.detect.Signals.unresolved(e);
  }

  @Test
  void aRestoredResolverStillHandsTheDepartureToAClearedPersonsDetector() throws Exception {
    OperatorSubtaskState snapshot;
    try (var before = resolver()) {
      before.open();
      before.processElement(identity("okta", "00ualice"), Long.MIN_VALUE);
      before.processElement(identity("email", ALICE_EMAIL), Long.MIN_VALUE);
      before.processElement(departure(ALICE), T0.toEpochMilli());
      snapshot = before.snapshot(1L, 1L);
    }

    // the person's detector judged the offboarding and cleared its state past the horizon
    KeyedBroadcastOperatorTestHarness<String, PersonSignal, Map<String, String>, Finding> detector =
        TestSignals.personDetectors();
    try (detector) {
      detector.processElement(departure(ALICE), T0.toEpochMilli());
      detector.watermark(PAST_HORIZON.toEpochMilli());
      assertThat(TestSignals.numKeyedStateEntries(detector)).isZero();
      detector.getOutput().clear();

      // the job restarts from the checkpoint; weeks later the leaver's Okta session shows up
      try (var after = resolver()) {
        after.initializeState(snapshot);
        after.open();
        AuditEvent late = aliceSession(PAST_HORIZON.plus(Duration.ofDays(5)));
        after.processElement(event(late), late.getEventTime().toEpochMilli());

        List<PersonSignal> forAlice =
            TestSignals.Resolver.forPersons(after.extractOutputValues()).stream()
                .filter(s -> s.getKind() == SignalKind.EVENT)
                .toList();
        assertThat(forAlice).hasSize(1);
        assertThat(forAlice.get(0).getDeparture()).isEqualTo(ALICE);
        for (PersonSignal s : forAlice) {
          detector.processElement(s, late.getEventTime().toEpochMilli());
        }
      }

      assertThat(detector.extractOutputValues())
          .extracting(Finding::getType)
          .containsExactly(FindingType.POST_DEPARTURE_ACTIVITY);
    }
  }
}
