package io.leaverwatch.anomaly.jobs;

import io.leaverwatch.anomaly.ModelWatcher;
import io.leaverwatch.core.detect.IdentityResolver;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.StreamingDetectorExtension;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;

/**
 * ANOMALOUS_ACTIVITY joins the streaming job when {@code anomaly.model_dir} is set (found by {@link
 * java.util.ServiceLoader}). The model is checked here, before the job starts, so a bad one fails
 * {@code leaverwatch run} with its reason instead of a running job without it.
 */
public final class AnomalyExtension implements StreamingDetectorExtension {
  @Override
  public String name() {
    return "anomaly";
  }

  @Override
  public DataStream<Finding> attach(
      DataStream<PersonSignal> resolvedSignals, PipelineConfig cfg, String rulesDir) {
    String dir = cfg.anomalyModelDir();
    if (dir == null || dir.isBlank()) {
      return null;
    }
    ModelWatcher check = new ModelWatcher(Path.of(dir));
    check
        .poll()
        .filter(ModelWatcher.Change::refused)
        .ifPresent(
            c -> {
              throw new IllegalArgumentException(c.message());
            });
    return attach(resolvedSignals, dir, cfg.anomalyReloadInterval());
  }

  /**
   * The detector over the signals the person detectors hand on ({@code
   * DetectionOutputs.resolvedSignals}). It runs chained in the person detectors' task (parallelism
   * 1, no shuffle, not serialised again): its input is the person's own events and departures,
   * already partitioned by person, and its work is off the identity resolver's thread.
   */
  public static DataStream<Finding> attach(
      DataStream<PersonSignal> resolvedSignals, String modelDir, Duration reloadInterval) {
    return DataStreamUtils.reinterpretAsKeyedStream(
            resolvedSignals
                .filter(AnomalyExtension::isInput)
                .returns(resolvedSignals.getType())
                .setParallelism(1)
                .uid("anomaly-signals")
                .name("own events and departures (anomaly)"),
            PersonSignal::getPersonId,
            Types.STRING)
        .transform(
            "ANOMALOUS_ACTIVITY (scored at the end of each day)",
            new AvroTypeInfo<>(Finding.class),
            new AnomalyDetectorOperator(
                new AnomalyDetectorFunction(modelDir, reloadInterval.toMillis())))
        .setParallelism(1)
        .uid("anomaly-detector");
  }

  /** A person's own events (as actor) and their departures. */
  static boolean isInput(PersonSignal s) {
    if (s.getPersonId() == null) {
      return false;
    }
    return s.getKind() == SignalKind.DEPARTURE
        || (s.getKind() == SignalKind.EVENT && IdentityResolver.ACTOR.equals(s.getRole()));
  }
}
