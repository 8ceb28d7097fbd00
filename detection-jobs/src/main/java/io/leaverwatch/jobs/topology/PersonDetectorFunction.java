package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.core.detect.PersonDetector;
import io.leaverwatch.jobs.serde.PersonSignalTypeInfo;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The person detectors with rules that change while the job runs: the bundle the job was built
 * with, then each new bundle of the broadcast input ({@link #RULES}), which takes effect from the
 * next signal or timer on. The bundle in force is kept in broadcast state, so a restored job
 * resumes with the rules it last ran with. What a signal or a timer does is {@link
 * PersonDetectorDriver}'s, shared with {@link FixedRulesPersonDetectorFunction}.
 */
public final class PersonDetectorFunction
    extends KeyedBroadcastProcessFunction<String, PersonSignal, Map<String, String>, Finding> {
  public static final OutputTag<OffboardingStepStatus> STEP_STATUSES =
      new OutputTag<>("step-statuses", new AvroTypeInfo<>(OffboardingStepStatus.class));

  /**
   * Every signal the person detectors take, handed on unchanged after them: where detectors of
   * other modules attach ({@link DetectionOutputs#resolvedSignals}), in this task, so that their
   * work runs beside the person detectors' and not on the identity resolver's thread, which bounds
   * the job. Without a consumer the output costs nothing.
   */
  public static final OutputTag<PersonSignal> SIGNALS =
      new OutputTag<>("signals-by-person", new PersonSignalTypeInfo());

  /** The broadcast state of the rules bundle in force. */
  public static final MapStateDescriptor<String, Map<String, String>> RULES = LiveRules.STATE;

  private final DetectionConfig config;
  private final HashMap<String, String> initialRules;
  private transient LiveRules<PersonDetector> rules;
  private transient PersonDetectorDriver driver;

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
            PersonDetectorDriver.detectorOf(config));
    driver = new PersonDetectorDriver(getRuntimeContext(), config.streaming());
  }

  @Override
  public void processElement(PersonSignal signal, ReadOnlyContext ctx, Collector<Finding> out)
      throws Exception {
    driver.onSignal(
        detector(ctx), signal, ctx.timerService(), out, st -> ctx.output(STEP_STATUSES, st));
    ctx.output(SIGNALS, signal);
  }

  @Override
  public void processBroadcastElement(
      Map<String, String> bundle, Context ctx, Collector<Finding> out) throws Exception {
    rules.take(ctx.getBroadcastState(RULES), bundle);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
    driver.onTimer(
        detector(ctx), timestamp, ctx.timerService(), out, st -> ctx.output(STEP_STATUSES, st));
  }

  private PersonDetector detector(ReadOnlyContext ctx) throws Exception {
    return rules.current(ctx.getBroadcastState(RULES));
  }
}
