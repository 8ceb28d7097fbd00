package io.leaverwatch.jobs;

import io.leaverwatch.core.avro.AvroFastReader;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.StreamingPipeline;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the job jar ({@code flink run -c io.leaverwatch.jobs.DetectionJob
 * leaverwatch-job.jar --config leaverwatch.yaml}): Kafka in, Kafka and Elasticsearch out. The
 * topology is {@link io.leaverwatch.jobs.topology.DetectionTopology}; the streaming wiring around
 * it is {@link StreamingPipeline}.
 */
public final class DetectionJob {
  private DetectionJob() {}

  public static void main(String[] args) throws Exception {
    AvroFastReader.enable();
    Path config = null;
    boolean allowInsecure = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else if (args[i].equals("--allow-insecure")) {
        allowInsecure = true;
      } else {
        throw new IllegalArgumentException(
            "usage: DetectionJob --config leaverwatch.yaml [--allow-insecure] (unknown argument "
                + args[i]
                + ")");
      }
    }
    Map<String, String> env = System.getenv();
    PipelineConfig cfg = PipelineConfig.load(config, env);
    var cleartext = cfg.cleartextCredentials(env);
    if (!allowInsecure && !cleartext.isEmpty()) {
      throw new IllegalArgumentException(
          String.join("; ", cleartext) + ": refused (use TLS, or pass --allow-insecure)");
    }
    String rules = cfg.rulesDir() != null ? cfg.rulesDir() : "rules";
    StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamingPipeline.build(flink, cfg, rules, env);
    flink.execute("leaverwatch detection");
  }
}
