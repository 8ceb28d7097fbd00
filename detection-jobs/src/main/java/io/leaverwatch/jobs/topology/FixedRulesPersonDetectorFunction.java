package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.core.detect.PersonDetector;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import java.util.HashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The person detectors with the rules the job was built with, for a run that never reloads them (a
 * bounded run reads the folder once). With one input it chains to the identity resolver: signals
 * are handed on in the task, not serialised once more for a second task, as the broadcast input of
 * {@link PersonDetectorFunction} would make them. The same {@link PersonDetectorDriver} decides.
 */
public final class FixedRulesPersonDetectorFunction
    extends KeyedProcessFunction<String, PersonSignal, Finding> {
  private final DetectionConfig config;
  private final HashMap<String, String> rules;
  private transient PersonDetector detector;
  private transient PersonDetectorDriver driver;

  public FixedRulesPersonDetectorFunction(DetectionConfig config, RulesBundle rules) {
    this.config = config;
    this.rules = new HashMap<>(rules.toWire());
  }

  @Override
  public void open(OpenContext ctx) {
    detector = RulesBundle.fromWire(rules).load(PersonDetectorDriver.detectorOf(config));
    driver = new PersonDetectorDriver(getRuntimeContext(), config.streaming());
  }

  @Override
  public void processElement(PersonSignal signal, Context ctx, Collector<Finding> out)
      throws Exception {
    driver.onSignal(
        detector,
        signal,
        ctx.timerService(),
        out,
        st -> ctx.output(PersonDetectorFunction.STEP_STATUSES, st));
    ctx.output(PersonDetectorFunction.SIGNALS, signal);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
    driver.onTimer(
        detector,
        timestamp,
        ctx.timerService(),
        out,
        st -> ctx.output(PersonDetectorFunction.STEP_STATUSES, st));
  }
}
