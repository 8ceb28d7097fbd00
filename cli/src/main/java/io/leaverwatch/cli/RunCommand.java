package io.leaverwatch.cli;

import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.core.rules.RuleSetLoader;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.RetainedCheckpoints;
import io.leaverwatch.jobs.pipeline.StreamingPipeline;
import io.leaverwatch.jobs.sink.ElasticsearchClients;
import io.leaverwatch.jobs.sink.ElasticsearchSinkConfig;
import io.leaverwatch.jobs.sink.IndexTemplates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch run}: the streaming job against external Kafka and Elasticsearch. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the detection job (Flink, in this process) against external Kafka and Elasticsearch.",
      "Settings come from --config and are overridden by LEAVERWATCH_* environment variables"
          + " (e.g. LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS, LEAVERWATCH_ES_URLS); secrets only from the"
          + " environment: LEAVERWATCH_KAFKA_SASL_PASSWORD(_FILE), LEAVERWATCH_ES_API_KEY(_FILE),"
          + " LEAVERWATCH_ES_USERNAME/LEAVERWATCH_ES_PASSWORD(_FILE).",
      "To run the same job on a Flink cluster: flink run -c io.leaverwatch.jobs.DetectionJob"
          + " detection-jobs/target/leaverwatch-job.jar --config leaverwatch.yaml"
    })
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "leaverwatch.yaml")
  Path config;

  @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory.")
  Path rules;

  @Option(
      names = "--from-savepoint",
      paramLabel = "PATH",
      description =
          "Resume from this savepoint or checkpoint (a chk-N or savepoint directory) instead of"
              + " the newest complete checkpoint retained in checkpoint_dir.")
  String fromSavepoint;

  @Override
  public Integer call() throws Exception {
    if (config != null && !Files.isRegularFile(config)) {
      throw new UsageException("--config: " + config + " not found");
    }
    PipelineConfig cfg;
    try {
      cfg = PipelineConfig.load(config, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    Path rulesDir =
        rules != null
            ? rules
            : cfg.rulesDir() != null ? Path.of(cfg.rulesDir()) : RulesDirectory.resolve();
    try {
      RuleSetLoader.load(rulesDir);
    } catch (RuleFileException e) {
      throw new UsageException(e.getMessage(), e);
    }
    spec.commandLine().getErr().println("run: " + cfg);
    if (!cfg.elasticsearchUrls().isEmpty()) {
      ElasticsearchSinkConfig es =
          ElasticsearchSinkConfig.builder()
              .urls(cfg.elasticsearchUrls())
              .indexPrefix(cfg.indexPrefix())
              .credentialsFromEnvironment(System.getenv())
              .build();
      try (ElasticsearchClients.Connection c = ElasticsearchClients.connect(es)) {
        IndexTemplates.install(c.client(), cfg.indexPrefix());
      }
    }
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    resumeFrom(cfg).ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(), conf);
    StreamingPipeline.build(env, cfg, rulesDir.toString(), System.getenv());
    env.execute("leaverwatch detection");
    return 0;
  }

  /** --from-savepoint, else the newest complete checkpoint a previous run left, else none. */
  private java.util.Optional<String> resumeFrom(PipelineConfig cfg) {
    if (fromSavepoint != null) {
      if (!fromSavepoint.contains("://") && !Files.exists(Path.of(fromSavepoint))) {
        throw new UsageException("--from-savepoint: " + fromSavepoint + " not found");
      }
      spec.commandLine().getErr().println("run: resuming from savepoint " + fromSavepoint);
      return java.util.Optional.of(fromSavepoint);
    }
    String dir = StreamingPipeline.checkpointDir(cfg);
    java.util.Optional<String> latest = RetainedCheckpoints.latest(dir);
    spec.commandLine()
        .getErr()
        .println(
            latest
                .map(p -> "run: resuming from checkpoint " + p)
                .orElse("run: no checkpoint in " + dir + ", starting fresh"));
    return latest;
  }
}
