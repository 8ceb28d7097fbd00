package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.core.bundle.RulesBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the rules folder at every tick and emits its bundle when the bundle changed (and once at
 * start). A folder that cannot be read is logged once and emits nothing: the rules in force stay.
 * Whether the new rules parse is for the operators that use them to judge ({@code LiveRules}).
 */
final class RulesFolderPoller extends ProcessFunction<Long, Map<String, String>> {
  private static final Logger LOG = LoggerFactory.getLogger(RulesFolderPoller.class);

  private final String rulesDir;
  private transient String lastHash;
  private transient String lastProblem;

  RulesFolderPoller(String rulesDir) {
    this.rulesDir = rulesDir;
  }

  /** The rules folder's bundles as it changes, looked at every {@code every}. */
  static DataStream<Map<String, String>> updates(
      StreamExecutionEnvironment env, String rulesDir, Duration every) {
    DataGeneratorSource<Long> ticks =
        new DataGeneratorSource<>(
            i -> i,
            Long.MAX_VALUE,
            RateLimiterStrategy.perSecond(1000.0 / Math.max(1, every.toMillis())),
            Types.LONG);
    return env.fromSource(ticks, StreamingPipeline.sideInputWatermarks(), "rules ticks")
        .setParallelism(1)
        .uid("rules-ticks")
        .process(new RulesFolderPoller(rulesDir))
        .returns(Types.MAP(Types.STRING, Types.STRING))
        .setParallelism(1)
        .uid("rules-folder")
        .name("rules folder");
  }

  @Override
  public void processElement(Long tick, Context ctx, Collector<Map<String, String>> out) {
    RulesBundle bundle;
    try {
      bundle = RulesBundle.read(Path.of(rulesDir));
    } catch (RuntimeException e) {
      if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
        lastProblem = String.valueOf(e.getMessage());
        LOG.error("rules folder not read, the rules in force stay: {}", lastProblem);
      }
      return;
    }
    lastProblem = null;
    if (!bundle.hash().equals(lastHash)) {
      lastHash = bundle.hash();
      out.collect(bundle.toWire());
    }
  }
}
