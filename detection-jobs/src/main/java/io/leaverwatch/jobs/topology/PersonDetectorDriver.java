package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.detect.DetectorOutput;
import io.leaverwatch.core.detect.PersonDetector;
import io.leaverwatch.core.detect.PersonState;
import io.leaverwatch.core.rules.RuleSetLoader;
import io.leaverwatch.jobs.state.PersonStateSerializer;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;

/**
 * What the person detectors do with a signal or a timer, in whichever operator runs them: read the
 * person's state, let {@link PersonDetector} decide, write state, set timers, emit. The operator
 * hands in the detector in force: rules taken live over broadcast ({@link PersonDetectorFunction})
 * or fixed when the job is built ({@link FixedRulesPersonDetectorFunction}).
 */
final class PersonDetectorDriver {
  private final boolean streaming;
  private final ValueState<PersonState> state;

  PersonDetectorDriver(RuntimeContext runtime, boolean streaming) {
    this.streaming = streaming;
    this.state =
        runtime.getState(new ValueStateDescriptor<>("person", PersonStateSerializer.INSTANCE));
  }

  /** How both operators build their detector from a rules folder. */
  static Function<Path, PersonDetector> detectorOf(DetectionConfig config) {
    boolean streaming = config.streaming();
    return dir -> new PersonDetector(RuleSetLoader.load(dir), streaming);
  }

  void onSignal(
      PersonDetector detector,
      PersonSignal signal,
      TimerService timers,
      Collector<Finding> out,
      Consumer<OffboardingStepStatus> steps)
      throws IOException {
    PersonState s = state.value();
    if (s == null) {
      s = new PersonState();
      s.personId = signal.getPersonId();
    }
    DetectorOutput result;
    switch (signal.getKind()) {
      case EVENT:
        result =
            detector.onEvent(
                s,
                signal.getPersonId(),
                signal.getEvent(),
                signal.getRole(),
                signal.getIdentity(),
                signal.getDeparture());
        break;
      case DEPARTURE:
        result = detector.onDeparture(s, signal.getDeparture());
        break;
      case IDENTITY:
        result = detector.onIdentity(s, signal.getLink());
        break;
      case GRANT:
        result = detector.onGrant(s, signal.getGrant());
        break;
      case END_OF_INPUT:
        result = detector.onEndOfInput(s, signal.getAsOf().toEpochMilli());
        break;
      default:
        result = new DetectorOutput();
    }
    state.update(s);
    emit(s, result, timers, out, steps);
  }

  void onTimer(
      PersonDetector detector,
      long timestamp,
      TimerService timers,
      Collector<Finding> out,
      Consumer<OffboardingStepStatus> steps)
      throws IOException {
    PersonState s = state.value();
    if (s == null) {
      return;
    }
    DetectorOutput result = detector.onTimer(s, timestamp);
    emit(s, result, timers, out, steps);
    if (detector.isDone(s, timestamp)) {
      // offboarding final and horizon passed: nothing more can come of this person
      state.clear();
    } else {
      state.update(s);
    }
  }

  private void emit(
      PersonState s,
      DetectorOutput result,
      TimerService timers,
      Collector<Finding> out,
      Consumer<OffboardingStepStatus> steps) {
    result.findings.forEach(out::collect);
    result.steps.forEach(steps);
    if (streaming) {
      long watermark = timers.currentWatermark();
      for (long t : result.timers) {
        if (t > watermark && t == s.lastTimer) {
          // registered already and not yet fired (it fires once the watermark reaches it): most
          // events of a day ask for the same deadline, and re-registering costs a hash lookup
          continue;
        }
        if (t > watermark) {
          s.lastTimer = t;
        }
        // a deadline already passed (a late departure) is judged at the next watermark
        timers.registerEventTimeTimer(Math.max(t, watermark + 1));
      }
    }
  }
}
