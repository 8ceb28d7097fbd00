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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
      "Credentials are not sent in clear text (Elasticsearch over http://, SASL PLAIN without TLS)"
          + " unless --allow-insecure. The local cluster's REST endpoint listens on"
          + " flink.rest.bind_address (default 127.0.0.1).",
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

  @Option(
      names = "--allow-insecure",
      description =
          "allow credentials in clear text: Elasticsearch over http://, Kafka SASL PLAIN without"
              + " TLS (a local test setup)")
  boolean allowInsecure;

  /** The environment; tests replace it because a JVM cannot set its own variables. */
  static Supplier<Map<String, String>> environment = System::getenv;

  @Override
  public Integer call() throws Exception {
    if (config != null && !Files.isRegularFile(config)) {
      throw new UsageException("--config: " + config + " not found");
    }
    Map<String, String> env = environment.get();
    PipelineConfig cfg;
    try {
      cfg = PipelineConfig.load(config, env);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    List<String> cleartext = cfg.cleartextCredentials(env);
    if (!allowInsecure && !cleartext.isEmpty()) {
      throw new UsageException(
          String.join("; ", cleartext) + ": refused; use TLS, or pass --allow-insecure");
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
              .credentialsFromEnvironment(env)
              .build();
      try (ElasticsearchClients.Connection c = ElasticsearchClients.connect(es, env)) {
        IndexTemplates.install(c.client(), cfg.indexPrefix());
      }
    }
    Configuration conf = localClusterConfiguration(cfg);
    resumeFrom(cfg).ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p));
    StreamExecutionEnvironment flink =
        StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(), conf);
    try {
      StreamingPipeline.build(flink, cfg, rulesDir.toString(), env);
    } catch (IllegalArgumentException e) {
      // a setting the job refuses before it starts (anomaly.model_dir: a model that does not load)
      throw new UsageException(e.getMessage(), e);
    }
    flink.execute("leaverwatch detection");
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

  /**
   * The local cluster's settings: its REST endpoint (the web UI, which can cancel the job and show
   * its configuration) on a free port of {@code flink.rest.bind_address}, loopback by default.
   */
  static Configuration localClusterConfiguration(PipelineConfig cfg) {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(RestOptions.BIND_ADDRESS, cfg.restBindAddress());
    return conf;
  }
}
