package io.leaverwatch.jobs.topology;

import static io.leaverwatch.jobs.topology.TestSignals.ALICE_EMAIL;
import static io.leaverwatch.jobs.topology.TestSignals.T0;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_1D;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_30M;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_5H;
import static io.leaverwatch.jobs.topology.TestSignals.aliceSession;
import static io.leaverwatch.jobs.topology.TestSignals.link;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The person detectors of a bounded run, rules fixed when the job is built, decide exactly as the
 * ones that take rules over broadcast: same findings, same step statuses, same ids.
 */
class FixedRulesPersonDetectorFunctionTest {
  static final RulesBundle RULES = RulesBundle.read(TestSignals.rulesDir());
  static final DetectionConfig BOUNDED =
      DetectionConfig.bounded(TestSignals.rulesDir().toString(), T0_PLUS_1D.toEpochMilli());

  @Test
  void aBoundedRunsFindingsAndStepsAreTheOnesTheLiveRulesDetectorsGive() throws Exception {
    List<PersonSignal> signals = boundedRun();

    List<String> fixed;
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new FixedRulesPersonDetectorFunction(BOUNDED, RULES),
            PersonSignal::getPersonId,
            Types.STRING)) {
      for (PersonSignal s : signals) {
        h.processElement(s, timestamp(s));
      }
      fixed = outputs(h, h.extractOutputValues());
      assertThat(h.extractOutputValues())
          .extracting(Finding::getType)
          .contains(FindingType.POST_DEPARTURE_ACTIVITY, FindingType.RETAINED_ACCESS);
    }

    List<String> live;
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new PersonDetectorFunction(BOUNDED, RULES),
            PersonSignal::getPersonId,
            Types.STRING,
            PersonDetectorFunction.RULES)) {
      for (PersonSignal s : signals) {
        h.processElement(s, timestamp(s));
      }
      live = outputs(h, h.extractOutputValues());
    }

    assertThat(fixed).isNotEmpty().isEqualTo(live);
  }

  /** Alice's identities, her departure, two sessions after it, then the end of input. */
  private static List<PersonSignal> boundedRun() {
    TestSignals.Resolver resolver = new TestSignals.Resolver();
    Departure alice = TestSignals.departure("p1", ALICE_EMAIL, T0);
    List<PersonSignal> all = new ArrayList<>();
    all.addAll(resolver.identity(link("p1", "okta", "00ualice")));
    all.addAll(resolver.identity(link("p1", "email", ALICE_EMAIL)));
    all.addAll(resolver.departure(alice));
    all.addAll(resolver.event(aliceSession(T0_PLUS_30M)));
    all.addAll(resolver.event(aliceSession(T0_PLUS_5H)));
    all = new ArrayList<>(TestSignals.Resolver.forPersons(all));
    all.add(
        PersonSignal.newBuilder()
            .setKind(SignalKind.END_OF_INPUT)
            .setPersonId("p1")
            .setAsOf(T0_PLUS_1D)
            .build());
    return all;
  }

  private static long timestamp(PersonSignal s) {
    return s.getEvent() != null ? s.getEvent().getEventTime().toEpochMilli() : Long.MIN_VALUE;
  }

  /** Every finding and step status in the order emitted, as id, type or step, and severity. */
  private static List<String> outputs(
      AbstractStreamOperatorTestHarness<Finding> h, List<Finding> findings) {
    List<String> out =
        findings.stream()
            .map(f -> f.getFindingId() + " " + f.getType() + " " + f.getSeverity())
            .collect(Collectors.toCollection(ArrayList::new));
    for (OffboardingStepStatus st :
        h.getSideOutput(PersonDetectorFunction.STEP_STATUSES).stream()
            .map(r -> r.getValue())
            .collect(Collectors.toList())) {
      out.add(st.getStatusId() + " " + st.getStepId() + " " + st.getStatus());
    }
    return out;
  }
}
