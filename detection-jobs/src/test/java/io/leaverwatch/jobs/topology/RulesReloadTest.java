package io.leaverwatch.jobs.topology;

import static io.leaverwatch.jobs.topology.TestSignals.ALICE_EMAIL;
import static io.leaverwatch.jobs.topology.TestSignals.T0;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_1H;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_30M;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_5H;
import static io.leaverwatch.jobs.topology.TestSignals.aliceSession;
import static io.leaverwatch.jobs.topology.TestSignals.link;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.PersonSignal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The person detectors take a new rules bundle mid-stream: it decides what comes after it, never
 * what came before, and a bundle that does not parse leaves the rules in force alone.
 */
class RulesReloadTest {
  static final Departure ALICE = TestSignals.departure("p1", ALICE_EMAIL, T0);
  static final RulesBundle AS_BUILT = RulesBundle.read(TestSignals.rulesDir());

  /**
   * The project's rules with the grace period of Alice's role set to {@code grace} (the line
   * replaced, or added when the role takes it from another file).
   */
  static RulesBundle withGrace(String grace) {
    Map<String, String> files = new TreeMap<>(AS_BUILT.files());
    String file = "roles/" + ALICE.getRole() + ".yaml";
    String role = files.get(file);
    assertThat(role).as(file).isNotNull();
    String changed = role.replaceAll("(?m)^grace_period:.*$", "grace_period: " + grace);
    if (changed.equals(role)) {
      changed = role + "\ngrace_period: " + grace + "\n";
    }
    files.put(file, changed);
    return RulesBundle.of(AS_BUILT.origin(), files);
  }

  @Test
  void aLongerGracePeriodAppliesToActivityFromTheChangeOnAndLeavesEarlierFindingsStanding()
      throws Exception {
    try (var h = TestSignals.personDetectors(AS_BUILT)) {
      Feed feed = new Feed(h);
      feed.departure(ALICE);
      h.watermark(T0.toEpochMilli());
      feed.event(aliceSession(T0_PLUS_30M));
      assertThat(postDeparture(h)).as("30 min after, the 15 min grace has passed").hasSize(1);

      h.processBroadcastElement(withGrace("2h").toWire(), T0_PLUS_30M.toEpochMilli());
      feed.event(aliceSession(T0_PLUS_1H));
      assertThat(postDeparture(h))
          .as("1 h after departure is inside the new 2 h grace; the finding of 30 min stays")
          .extracting(Finding::getFirstSeen)
          .containsExactly(T0_PLUS_30M);

      feed.event(aliceSession(T0_PLUS_5H));
      assertThat(postDeparture(h))
          .extracting(Finding::getFirstSeen)
          .containsExactlyInAnyOrder(T0_PLUS_30M, T0_PLUS_5H);
    }
  }

  @Test
  void aBundleThatDoesNotParseIsRefusedAndTheRulesInForceStay() throws Exception {
    try (var h = TestSignals.personDetectors(AS_BUILT)) {
      Feed feed = new Feed(h);
      feed.departure(ALICE);
      h.watermark(T0.toEpochMilli());

      h.processBroadcastElement(withGrace("soon").toWire(), T0.toEpochMilli());
      feed.event(aliceSession(T0_PLUS_30M));

      assertThat(postDeparture(h)).as("the 15 min grace is still in force").hasSize(1);
    }
  }

  @Test
  void aRestoredJobKeepsTheRulesItLastTookNotTheOnesItWasBuiltWith() throws Exception {
    OperatorSubtaskState snapshot;
    try (var before = TestSignals.personDetectors(AS_BUILT)) {
      Feed feed = new Feed(before);
      feed.departure(ALICE);
      before.processBroadcastElement(withGrace("2h").toWire(), T0.toEpochMilli());
      snapshot = before.snapshot(1L, 1L);
    }

    try (var after =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new PersonDetectorFunction(
                    DetectionConfig.streaming(TestSignals.rulesDir().toString()), AS_BUILT),
                List.of(PersonDetectorFunction.RULES)),
            PersonSignal::getPersonId,
            Types.STRING,
            1,
            1,
            0)) {
      after.setup();
      after.initializeState(snapshot);
      after.open();
      after.watermark(T0.toEpochMilli());
      new Feed(after).event(aliceSession(T0_PLUS_1H));

      assertThat(postDeparture(after))
          .as("inside the 2 h grace taken before the restart")
          .isEmpty();
    }
  }

  private static List<Finding> postDeparture(
      KeyedBroadcastOperatorTestHarness<String, PersonSignal, Map<String, String>, Finding> h) {
    Map<String, Finding> latest = new TreeMap<>();
    for (Finding f : h.extractOutputValues()) {
      latest.put(f.getFindingId(), f);
    }
    return latest.values().stream()
        .filter(f -> f.getType() == FindingType.POST_DEPARTURE_ACTIVITY)
        .collect(Collectors.toList());
  }

  /** Signals resolved as the job resolves them, fed to the detectors. */
  private static final class Feed {
    private final KeyedBroadcastOperatorTestHarness<
            String, PersonSignal, Map<String, String>, Finding>
        h;
    private final TestSignals.Resolver resolver = new TestSignals.Resolver();

    Feed(KeyedBroadcastOperatorTestHarness<String, PersonSignal, Map<String, String>, Finding> h)
        throws Exception {
      this.h = h;
      feed(resolver.identity(link("p1", "okta", "00ualice")), Long.MIN_VALUE);
      feed(resolver.identity(link("p1", "email", ALICE_EMAIL)), Long.MIN_VALUE);
    }

    void departure(Departure d) throws Exception {
      feed(resolver.departure(d), d.getDepartedAt().toEpochMilli());
    }

    void event(AuditEvent e) throws Exception {
      feed(resolver.event(e), e.getEventTime().toEpochMilli());
    }

    private void feed(List<PersonSignal> signals, long timestamp) throws Exception {
      for (PersonSignal s : TestSignals.Resolver.forPersons(signals)) {
        h.processElement(s, timestamp);
      }
    }
  }
}
