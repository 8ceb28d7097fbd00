package io.leaverwatch.jobs.topology;

import static io.leaverwatch.jobs.topology.TestSignals.ALICE_EMAIL;
import static io.leaverwatch.jobs.topology.TestSignals.T0;
import static io.leaverwatch.jobs.topology.TestSignals.T0_MINUS_5D;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_2H;
import static io.leaverwatch.jobs.topology.TestSignals.aliceSession;
import static io.leaverwatch.jobs.topology.TestSignals.link;
import static io.leaverwatch.jobs.topology.TestSignals.oktaUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Source;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The known-IP detector as Flink runs it in streaming mode: keyed by IP, departures broadcast. */
class KnownIpFunctionTest {
  static final String HOME_IP = "203.0.113.9";
  static final Departure ALICE = TestSignals.departure("p1", ALICE_EMAIL, T0);

  private KeyedBroadcastOperatorTestHarness<
          String, PersonSignal, Either<Departure, Map<String, String>>, Finding>
      harness;
  private TestSignals.Resolver resolver;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new KnownIpFunction(DetectionConfig.streaming(TestSignals.rulesDir().toString())),
            s -> s.getEvent().getSourceIp(),
            Types.STRING,
            KnownIpFunction.DEPARTURES,
            KnownIpFunction.RULES);
    resolver = new TestSignals.Resolver();
    resolver.identity(link("p1", "okta", "00ualice"));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aDepartureBroadcastAfterTheEventsStillFlagsAnAttemptFromTheLeaversOwnIp() throws Exception {
    event(aliceSession(T0_MINUS_5D, HOME_IP));
    event(strangerSession(T0_PLUS_2H, HOME_IP));
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processBroadcastElement(Either.Left(ALICE), T0_PLUS_2H.toEpochMilli());

    List<Finding> findings = harness.extractOutputValues();
    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.getType()).isEqualTo(FindingType.KNOWN_IP_ACCESS_ATTEMPT);
    assertThat(f.getPersonId()).isEqualTo("p1");
    assertThat(f.getFirstSeen()).isEqualTo(T0_PLUS_2H);
    assertThat(f.getEventCount()).isEqualTo(1);
  }

  @Test
  void aLongerGracePeriodBroadcastAsRulesSparesAnAttemptInsideIt() throws Exception {
    harness.processBroadcastElement(
        Either.Right(RulesReloadTest.withGrace("3h").toWire()), T0_MINUS_5D.toEpochMilli());
    harness.processBroadcastElement(Either.Left(ALICE), T0_MINUS_5D.toEpochMilli());
    event(aliceSession(T0_MINUS_5D, HOME_IP));

    event(strangerSession(T0_PLUS_2H, HOME_IP));

    assertThat(harness.extractOutputValues()).as("2 h after is inside the 3 h grace").isEmpty();
  }

  @Test
  void aDepartureKnownBeforeTheAttemptFlagsItAsItArrives() throws Exception {
    harness.processBroadcastElement(Either.Left(ALICE), T0_MINUS_5D.toEpochMilli());
    event(aliceSession(T0_MINUS_5D, HOME_IP));
    assertThat(harness.extractOutputValues()).isEmpty();

    event(strangerSession(T0_PLUS_2H, HOME_IP));

    assertThat(harness.extractOutputValues())
        .extracting(Finding::getType)
        .containsExactly(FindingType.KNOWN_IP_ACCESS_ATTEMPT);
  }

  @Test
  void anAttemptFromAnIpTheLeaverNeverUsedIsNoFinding() throws Exception {
    event(aliceSession(T0_MINUS_5D, HOME_IP));
    event(strangerSession(T0_PLUS_2H, "192.0.2.44"));

    harness.processBroadcastElement(Either.Left(ALICE), T0_PLUS_2H.toEpochMilli());

    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void anIpsStateIsGoneOnceItsHistoryHasExpired() throws Exception {
    event(aliceSession(T0_MINUS_5D, HOME_IP));
    event(strangerSession(T0_PLUS_2H, HOME_IP));
    harness.processBroadcastElement(Either.Left(ALICE), T0_PLUS_2H.toEpochMilli());
    assertThat(numKeyedStateEntries()).isEqualTo(1);

    harness.watermark(T0.plus(Duration.ofDays(60)).toEpochMilli());

    assertThat(numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void anAttemptDeliveredThreeTimesIsOneAttempt() throws Exception {
    harness.processBroadcastElement(Either.Left(ALICE), T0_MINUS_5D.toEpochMilli());
    event(aliceSession(T0_MINUS_5D, HOME_IP));
    AuditEvent attempt = strangerSession(T0_PLUS_2H, HOME_IP);
    event(attempt);
    event(AuditEvent.newBuilder(attempt).build());
    event(AuditEvent.newBuilder(attempt).build());
    event(strangerSession(T0_PLUS_2H.plusSeconds(60), HOME_IP));

    Finding last = harness.extractOutputValues().get(harness.extractOutputValues().size() - 1);
    assertThat(last.getEventCount()).isEqualTo(2);
    assertThat(last.getEventIds()).doesNotHaveDuplicates().hasSize(2);
    assertThat(last.getEvidence()).hasSize(2);

    harness.watermark(T0.plus(Duration.ofDays(60)).toEpochMilli());
    assertThat(numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  /** The broadcast harness has no shortcut for this; the keyed harness does the same. */
  private int numKeyedStateEntries() {
    AbstractStreamOperator<?> op = (AbstractStreamOperator<?>) harness.getOperator();
    return ((HeapKeyedStateBackend<?>) op.getKeyedStateBackend()).numKeyValueStateEntries();
  }

  private static AuditEvent strangerSession(java.time.Instant at, String ip) {
    return TestSignals.event(
        Source.OKTA,
        "user.session.start",
        ActionClass.AUTHENTICATION,
        at,
        oktaUser("00umallory", "mallory@unknown.example"),
        ip);
  }

  private void event(AuditEvent e) throws Exception {
    for (PersonSignal s : TestSignals.Resolver.forIps(resolver.event(e))) {
      harness.processElement(s, e.getEventTime().toEpochMilli());
    }
  }
}
