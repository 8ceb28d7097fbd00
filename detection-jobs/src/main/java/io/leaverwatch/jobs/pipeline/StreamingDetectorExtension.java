package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.jobs.topology.DetectionOutputs;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A detector that lives outside this module and joins the streaming job: found with {@link
 * ServiceLoader} ({@code META-INF/services/io.leaverwatch.jobs.pipeline.StreamingDetectorExtension}
 * in its jar), it attaches its operators to the identity-resolved signals and its findings go to
 * the same sinks as every other detector's. A build without it (ANOMALOUS_ACTIVITY lives in the
 * GPL-3.0 anomaly modules) runs the same job without it.
 */
public interface StreamingDetectorExtension {
  /** A short name, for errors and logs. */
  String name();

  /**
   * Adds the detector over {@code resolvedSignals} (every kind of signal, keyed by person where one
   * is known) and returns its findings, or null when {@code cfg} does not enable it. A bad setting
   * throws {@link IllegalArgumentException} naming the key.
   */
  DataStream<Finding> attach(
      DataStream<PersonSignal> resolvedSignals, PipelineConfig cfg, String rulesDir);

  /** Every extension on the classpath, by name. */
  static List<StreamingDetectorExtension> discover() {
    List<StreamingDetectorExtension> out = new ArrayList<>();
    ServiceLoader.load(StreamingDetectorExtension.class).forEach(out::add);
    out.sort(Comparator.comparing(StreamingDetectorExtension::name));
    return out;
  }

  /** The job's findings with those of every extension {@code cfg} enables. */
  static DataStream<Finding> unionAll(DetectionOutputs out, PipelineConfig cfg, String rulesDir) {
    DataStream<Finding> findings = out.findings();
    boolean anomaly = false;
    for (StreamingDetectorExtension x : discover()) {
      DataStream<Finding> more = x.attach(out.resolvedSignals(), cfg, rulesDir);
      if (more != null) {
        findings = findings.union(more);
        anomaly |= x.name().equals("anomaly");
      }
    }
    if (cfg.anomalyModelDir() != null && !anomaly) {
      throw new IllegalArgumentException(
          "anomaly.model_dir is set but this build has no anomaly detector (the"
              + " leaverwatch-anomaly-jobs jar is not on the classpath)");
    }
    return findings;
  }
}
