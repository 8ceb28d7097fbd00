package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.core.detect.DetectorOutput;
import io.leaverwatch.core.detect.PersonDetector;
import io.leaverwatch.core.detect.PersonState;
import io.leaverwatch.core.rules.RuleSetLoader;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reads the person's state, lets {@link PersonDetector} decide, writes state, sets timers. The
 * rules come as data: the bundle the job was built with, then each new bundle of the broadcast
 * input ({@link #RULES}), which takes effect from the next signal or timer on. The bundle in force
 * is kept in broadcast state, so a restored job resumes with the rules it last ran with.
 */
public final class PersonDetectorFunction
    extends KeyedBroadcastProcessFunction<String, PersonSignal, Map<String, String>, Finding> {
  public static final OutputTag<OffboardingStepStatus> STEP_STATUSES =
      new OutputTag<>("step-statuses", new AvroTypeInfo<>(OffboardingStepStatus.class));

  /** The broadcast state of the rules bundle in force. */
  public static final MapStateDescriptor<String, Map<String, String>> RULES = LiveRules.STATE;

  private final DetectionConfig config;
  private final HashMap<String, String> initialRules;
  private transient LiveRules<PersonDetector> rules;
  private transient ValueState<PersonState> state;

  /** With the rules folder of {@code config} as it is now, read here (where the job is built). */
  public PersonDetectorFunction(DetectionConfig config) {
    this(config, RulesBundle.read(Path.of(config.rulesDir())));
  }

  public PersonDetectorFunction(DetectionConfig config, RulesBundle initialRules) {
    this.config = config;
    this.initialRules = new HashMap<>(initialRules.toWire());
  }

  @Override
  public void open(OpenContext ctx) {
    rules =
        new LiveRules<>(
            "person detectors",
            RulesBundle.fromWire(initialRules),
            dir -> new PersonDetector(RuleSetLoader.load(dir), config.streaming()));
    state =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "person", io.leaverwatch.jobs.state.PersonStateSerializer.INSTANCE));
  }

  @Override
  public void processElement(PersonSignal signal, ReadOnlyContext ctx, Collector<Finding> out)
      throws Exception {
    PersonDetector detector = detector(ctx);
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
    emit(s, result, ctx, out);
  }

  @Override
  public void processBroadcastElement(
      Map<String, String> bundle, Context ctx, Collector<Finding> out) throws Exception {
    rules.take(ctx.getBroadcastState(RULES), bundle);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
    PersonDetector detector = detector(ctx);
    PersonState s = state.value();
    if (s == null) {
      return;
    }
    DetectorOutput result = detector.onTimer(s, timestamp);
    emit(s, result, ctx, out);
    if (detector.isDone(s, timestamp)) {
      // offboarding final and horizon passed: nothing more can come of this person
      state.clear();
    } else {
      state.update(s);
    }
  }

  private PersonDetector detector(ReadOnlyContext ctx) throws Exception {
    return rules.current(ctx.getBroadcastState(RULES));
  }

  private void emit(
      PersonState s, DetectorOutput result, ReadOnlyContext ctx, Collector<Finding> out) {
    result.findings.forEach(out::collect);
    result.steps.forEach(st -> ctx.output(STEP_STATUSES, st));
    if (config.streaming()) {
      long watermark = ctx.timerService().currentWatermark();
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
        ctx.timerService().registerEventTimeTimer(Math.max(t, watermark + 1));
      }
    }
  }
}
