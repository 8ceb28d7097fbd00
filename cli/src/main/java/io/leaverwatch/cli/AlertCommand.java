package io.leaverwatch.cli;

import io.leaverwatch.alerting.AlertRun;
import io.leaverwatch.alerting.AlertStats;
import io.leaverwatch.alerting.DeliveryHooks;
import io.leaverwatch.alerting.FindingFiles;
import io.leaverwatch.alerting.Sleeper;
import io.leaverwatch.alerting.es.ElasticsearchDeliveries;
import io.leaverwatch.alerting.kafka.KafkaAlertLoop;
import io.leaverwatch.alerting.kafka.KafkaDeadLetters;
import io.leaverwatch.alerting.kafka.KafkaLedgerStore;
import io.leaverwatch.alerting.send.PagerDutySender;
import io.leaverwatch.alerting.send.SlackSender;
import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.sink.ElasticsearchClients;
import io.leaverwatch.jobs.sink.ElasticsearchSinkConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch alert}: findings to PagerDuty and Slack, each once per receiver. */
@Command(
    name = "alert",
    mixinStandardHelpOptions = true,
    description = {
      "Delivers findings to the receivers rules/alerting.yaml routes them to: PagerDuty (Events"
          + " API v2, dedup_key = finding_id, trigger/resolve) and Slack (one message per finding"
          + " and channel, updated in place). A ledger (a folder with --state, else the compacted"
          + " topic leaverwatch.alerts when streaming) keeps what each receiver was sent, so a"
          + " restart repeats nothing.",
      "--config leaverwatch.yaml: consumes the findings topic (read_committed) until stopped."
          + " --findings PATH... --once: reads findings NDJSON (what detect writes) and exits when"
          + " every alert is delivered or dead-lettered.",
      "Routing keys and tokens come only from the environment variables (or files) the routes"
          + " file names. Exit 0 when everything was delivered, 1 when an alert was dead-lettered"
          + " or a run failed, 2 for bad arguments, routes or missing secrets."
    })
public final class AlertCommand implements Callable<Integer> {
  /** The consumer group when streaming: its own, apart from the detection job's. */
  static final String GROUP_ID = "leaverwatch-alerts";

  /** Where secrets are looked up; tests replace it. */
  static Map<String, String> environment = System.getenv();

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "leaverwatch.yaml (Kafka).")
  Path config;

  @Option(
      names = "--findings",
      arity = "1..*",
      paramLabel = "PATH",
      description = "Findings NDJSON files or folders (.gz too).")
  List<Path> findings;

  @Option(names = "--once", description = "With --findings: exit when every alert is settled.")
  boolean once;

  @Option(
      names = "--routes",
      paramLabel = "FILE",
      description = "Routes file (default: rules/alerting.yaml).")
  Path routes;

  /** The ledger's folder when --findings runs without --state. */
  static final Path DEFAULT_STATE = Path.of(".leaverwatch/alerts");

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description =
          "The delivery ledger's folder (default with --findings: .leaverwatch/alerts). With"
              + " --config the ledger is the compacted topic "
              + KafkaLedgerStore.DEFAULT_TOPIC
              + " unless --state is given.")
  Path state;

  @Option(
      names = "--dlq",
      paramLabel = "FILE",
      description =
          "Dead-lettered alerts and unreadable findings, NDJSON, with their reasons (streaming"
              + " default: the topic "
              + KafkaDeadLetters.DEFAULT_TOPIC
              + ").")
  Path dlq;

  @Option(
      names = "--pagerduty-url",
      paramLabel = "URL",
      defaultValue = PagerDutySender.DEFAULT_BASE_URL,
      description = "PagerDuty Events API base URL (default: ${DEFAULT-VALUE}).")
  String pagerDutyUrl;

  @Option(
      names = "--slack-url",
      paramLabel = "URL",
      defaultValue = SlackSender.DEFAULT_BASE_URL,
      description = "Slack Web API base URL (default: ${DEFAULT-VALUE}).")
  String slackUrl;

  @Option(names = "--dry-run", description = "Render every payload to --out; send nothing.")
  boolean dryRun;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write every payload (as sent, without secrets) under DIR/<receiver>/.")
  Path out;

  @Option(
      names = "--kibana-url",
      paramLabel = "URL",
      description = "Kibana base URL: alerts link to the finding there.")
  String kibanaUrl;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if ((config == null) == (findings == null)) {
      throw new UsageException("give either --config (the findings topic) or --findings PATH...");
    }
    if (once && findings == null) {
      throw new UsageException("--once reads --findings files; the topic runs until stopped");
    }
    if (dryRun && out == null) {
      throw new UsageException("--dry-run needs --out DIR for the rendered payloads");
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out: " + out + " is a file, not a folder");
    }
    if (dlq != null && Files.isDirectory(dlq)) {
      throw new UsageException("--dlq: " + dlq + " is a folder, not a file");
    }
    Path routesFile = routes != null ? routes : RulesDirectory.resolve().resolve("alerting.yaml");
    if (!Files.isRegularFile(routesFile)) {
      throw new UsageException("--routes: " + routesFile + " not found");
    }
    Path stateDir = state == null && findings != null ? DEFAULT_STATE : state;
    AlertRun.Options options =
        new AlertRun.Options(
            routesFile, stateDir, dlq, pagerDutyUrl, slackUrl, dryRun, out, kibanaUrl);
    AlertRun.Prepared prepared;
    try {
      prepared = AlertRun.prepare(options, environment);
    } catch (RuleFileException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    err.printf(
        "alert: %d receiver(s), %d route(s) from %s%s%n",
        prepared.routes().receivers().size(),
        prepared.routes().routes().size(),
        routesFile,
        dryRun ? "; dry run: nothing is sent" : "");
    err.flush();
    AlertStats stats;
    if (findings != null) {
      try {
        FindingFiles.expand(findings);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--findings: " + e.getMessage(), e);
      }
      stats = AlertRun.once(options, prepared, findings, Clock.systemUTC(), Sleeper.REAL);
    } else {
      stats = streaming(options, prepared, err);
    }
    err.println("alert: " + stats);
    if (out != null) {
      err.println("  payloads: " + out.toAbsolutePath());
    }
    if (dlq != null && Files.exists(dlq)) {
      err.println("  dead letters: " + dlq);
    }
    err.flush();
    if (stats.deadLettered.get() > 0) {
      err.println(
          "alert: "
              + stats.deadLettered.get()
              + " alert(s) could not be delivered; they are in the DLQ with the reason");
      return 1;
    }
    return 0;
  }

  private AlertStats streaming(
      AlertRun.Options options, AlertRun.Prepared prepared, PrintWriter err)
      throws InterruptedException {
    if (!Files.isRegularFile(config)) {
      throw new UsageException("--config: " + config + " not found");
    }
    PipelineConfig cfg;
    try {
      cfg = PipelineConfig.load(config, environment);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AlertStats stats = new AlertStats();
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                main.join(15_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "alert-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    err.printf(
        "alert: consuming %s from %s (group %s, read_committed); ledger %s; Ctrl-C stops%n",
        cfg.topic("findings"),
        cfg.bootstrapServers(),
        GROUP_ID,
        options.stateDir() != null
            ? options.stateDir().toString()
            : "topic " + KafkaLedgerStore.DEFAULT_TOPIC);
    err.flush();
    if (cfg.elasticsearchUrls().isEmpty()) {
      return AlertRun.streaming(
          options,
          prepared,
          KafkaAlertLoop.consumerProperties(cfg.bootstrapServers(), GROUP_ID, cfg.kafkaSecurity()),
          cfg.topic("findings"),
          KafkaDeadLetters.DEFAULT_TOPIC,
          KafkaLedgerStore.DEFAULT_TOPIC,
          stop,
          stats);
    }
    ElasticsearchSinkConfig es =
        ElasticsearchSinkConfig.builder()
            .urls(cfg.elasticsearchUrls())
            .indexPrefix(cfg.indexPrefix())
            .credentialsFromEnvironment(environment)
            .build();
    err.printf(
        "alert: deliveries also go to %s%n", ElasticsearchDeliveries.indexName(cfg.indexPrefix()));
    err.flush();
    try (ElasticsearchClients.Connection c = ElasticsearchClients.connect(es, environment)) {
      return AlertRun.streaming(
          options,
          prepared,
          KafkaAlertLoop.consumerProperties(cfg.bootstrapServers(), GROUP_ID, cfg.kafkaSecurity()),
          cfg.topic("findings"),
          KafkaDeadLetters.DEFAULT_TOPIC,
          KafkaLedgerStore.DEFAULT_TOPIC,
          stop,
          stats,
          DeliveryHooks.NONE,
          new ElasticsearchDeliveries(c.client(), cfg.indexPrefix()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("closing the Elasticsearch client", e);
    }
  }
}
