package io.leaverwatch.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.embedded.EmbeddedElasticsearch;
import io.leaverwatch.embedded.EmbeddedKafka;
import io.leaverwatch.embedded.TopicOffsets;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.StreamingPipeline;
import io.leaverwatch.jobs.sink.IndexTemplates;
import io.leaverwatch.testkit.generate.GeneratorConfig;
import io.leaverwatch.testkit.generate.OrgGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leaverwatch demo}: the whole pipeline on one machine. A real Kafka broker (KRaft) and a
 * real Elasticsearch node as child processes, the detection job on a Flink MiniCluster reading from
 * Kafka, a generated organisation published through ingest, and findings arriving live.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts an embedded Kafka broker, Elasticsearch node and the detection job (Flink"
          + " MiniCluster), generates an organisation, publishes it through ingest and shows"
          + " findings arriving. Stays up for exploring until Ctrl-C (or --exit-when-done)."
    })
public final class DemoCommand implements Callable<Integer> {
  private static final String GROUP = "leaverwatch-detection";

  @Spec CommandSpec spec;

  @Option(
      names = "--people",
      defaultValue = "300",
      description = "People (default: ${DEFAULT-VALUE}).")
  int people;

  @Option(
      names = "--days",
      defaultValue = "14",
      description = "Days of audit logs (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--departures",
      description =
          "Departures (default: a tenth of the people, at least 60 when there are enough).")
  Integer departures;

  @Option(
      names = "--data-dir",
      defaultValue = ".leaverwatch",
      description = "Everything the demo writes (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--exit-when-done",
      description = "Exit 0 after the summary instead of staying up.")
  boolean exitWhenDone;

  @Option(
      names = "--timeout",
      defaultValue = "15m",
      description = "Give up waiting for the job after this long (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(
      names = "--anomaly-model",
      paramLabel = "MODEL_DIR",
      description =
          "Score ANOMALOUS_ACTIVITY with this model (`train --out`); default: a model trained on"
              + " the generated organisation's own history before the job starts.")
  Path anomalyModel;

  @Option(names = "--no-anomaly", description = "Run the job without ANOMALOUS_ACTIVITY.")
  boolean noAnomaly;

  /** The model the job scores with: --anomaly-model, or one trained on the organisation. */
  private Path anomalyModel(PrintWriter err, Path rules, Path org, Path root) {
    if (noAnomaly) {
      return null;
    }
    if (anomalyModel != null) {
      return anomalyModel.toAbsolutePath();
    }
    Path dir = root.resolve("anomaly-model");
    try {
      deleteTree(dir);
      var t =
          io.leaverwatch.anomaly.OrganisationTraining.train(
              rules,
              List.of(org.resolve("okta"), org.resolve("github"), org.resolve("cloudtrail")),
              org.resolve("departures.csv"),
              org.resolve("identities.csv"),
              dir);
      err.printf(
          "demo: ANOMALOUS_ACTIVITY model %s trained on the organisation's %,d person-days in"
              + " %.1f s (--no-anomaly to run without)%n",
          t.version(), t.personDays(), t.seconds());
      return dir;
    } catch (IOException | RuntimeException e) {
      err.printf("demo: ANOMALOUS_ACTIVITY not scored: %s%n", e.getMessage());
      return null;
    } finally {
      err.flush();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (people < 20) {
      throw new UsageException("--people must be at least 20");
    }
    int deps =
        departures != null
            ? departures
            : Math.min(people - 10, Math.max(Math.min(60, people / 3), people / 10));
    Duration limit;
    try {
      limit = io.leaverwatch.core.rules.Durations.parse(timeout);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--timeout: " + e.getMessage());
    }
    Path rules = RulesDirectory.resolve();
    Files.createDirectories(dataDir);
    Path root = dataDir.toAbsolutePath().normalize();

    Path org = root.resolve("org-" + people + "p-" + days + "d-" + deps + "x-seed" + seed);
    if (!Files.exists(org.resolve("manifest.json"))) {
      err.printf(
          "demo: generating %d people, %d days, %d departures (seed %d) into %s%n",
          people, days, deps, seed, org);
      err.flush();
      deleteTree(org);
      new OrgGenerator(
              new GeneratorConfig(
                  people,
                  days,
                  deps,
                  seed,
                  GeneratorConfig.DEFAULT_START,
                  GeneratorConfig.DEFAULT_EVENTS_PER_DAY,
                  GeneratorConfig.DEFAULT_DOMAIN,
                  org),
              line -> {})
          .run();
    } else {
      err.printf("demo: reusing the generated organisation in %s%n", org);
    }

    // a demo killed with SIGKILL left its broker and node running: stop exactly those (their pid
    // files are in the folders about to be wiped) before starting fresh ones
    List<Long> leftovers = new ArrayList<>(EmbeddedKafka.stopLeftovers(root.resolve("kafka")));
    leftovers.addAll(EmbeddedElasticsearch.stopLeftovers(root.resolve("elasticsearch")));
    if (!leftovers.isEmpty()) {
      err.println("demo: stopped what an earlier demo left running (pids " + leftovers + ")");
    }
    deleteTree(root.resolve("kafka"));
    deleteTree(root.resolve("elasticsearch"));
    err.println("demo: starting Kafka (KRaft) and Elasticsearch...");
    err.flush();
    EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"));
    EmbeddedElasticsearch es = EmbeddedElasticsearch.start(root.resolve("elasticsearch"));
    JobClient[] job = new JobClient[1];
    DemoAlerts[] alerts = new DemoAlerts[1];
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              shutdown(job[0], alerts[0], kafka, es);
              stopped.countDown();
            },
            "leaverwatch-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      for (String t :
          List.of(
              "audit.raw",
              "audit.events",
              "audit.dlq",
              "iam.access-snapshots",
              "leaverwatch.findings")) {
        kafka.createTopic(t, 2, false);
      }
      kafka.createTopic("hr.departures", 1, true);
      kafka.createTopic("iam.identities", 1, true);
      IndexTemplates.install(es.client(), "leaverwatch");

      Map<String, String> env = new HashMap<>();
      env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put("LEAVERWATCH_ES_URLS", es.httpUrl());
      env.put("LEAVERWATCH_CHECKPOINT_INTERVAL", "2s");
      // a replay of days of files moves through a day of event time per batch of files, not
      // the quarter hour of a live feed: allow that much out-of-orderness
      env.put("LEAVERWATCH_MAX_OUT_OF_ORDERNESS", "26h");
      env.put("LEAVERWATCH_CHECKPOINT_DIR", root.resolve("checkpoints").toUri().toString());
      Path model = anomalyModel(err, rules, org, root);
      if (model != null) {
        env.put(PipelineConfig.envName("anomaly.model_dir"), model.toString());
      }
      PipelineConfig cfg = PipelineConfig.load(null, env);
      Configuration conf = new Configuration();
      conf.set(RestOptions.BIND_PORT, "0");
      StreamExecutionEnvironment flink = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
      StreamingPipeline.build(flink, cfg, rules.toString(), env);
      job[0] = flink.executeAsync("leaverwatch demo");
      alerts[0] =
          DemoAlerts.start(root, rules, kafka.bootstrapServers(), es.client(), "leaverwatch");
      err.println(
          "demo: detection job started (Flink MiniCluster), alert dispatcher on local PagerDuty"
              + " and Slack stand-ins; publishing through ingest...");

      long expected = totalEvents(org);
      AtomicLong published = new AtomicLong();
      Thread publisher;
      Exception[] publishFailure = new Exception[1];
      try (Producer<String, byte[]> producer =
          KafkaRecordSink.producer(kafka.bootstrapServers(), "leaverwatch-demo")) {
        FilePublisher fp = new FilePublisher(producer, FilePublisher.Topics.defaults());
        fp.publishPeople(
            org.resolve("departures.csv"),
            org.resolve("identities.csv"),
            org.resolve("access.ndjson"));
        publisher =
            new Thread(
                () -> {
                  try {
                    fp.publishEvents(
                        List.of(
                            org.resolve("okta"), org.resolve("github"), org.resolve("cloudtrail")),
                        published::set);
                  } catch (Exception e) {
                    publishFailure[0] = e;
                  }
                },
                "leaverwatch-demo-publisher");
        publisher.start();
        waitForFindings(err, kafka, es.client(), publisher, published, expected, limit, job[0]);
        publisher.join();
      }
      if (publishFailure[0] != null) {
        throw publishFailure[0];
      }
      awaitAlerts(err, kafka, alerts[0]);
      Path report = writeReport(err, org, root, es);
      printSummary(err, es.client(), kafka, es, org, root);
      err.println(
          "  Report          "
              + report
              + "  (report.pdf, departures.csv, findings.csv, manifest.json beside it)");
      err.println("Alerts:");
      alerts[0].printSummary(err);
      err.flush();
      if (exitWhenDone) {
        return 0;
      }
      err.println("demo: up for exploring; Ctrl-C stops everything.");
      err.flush();
      stopped.await();
      return 0;
    } finally {
      if (exitWhenDone || Thread.currentThread().isInterrupted()) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
          // already shutting down: the hook does the work
        }
        shutdown(job[0], alerts[0], kafka, es);
      }
    }
  }

  private void waitForFindings(
      PrintWriter err,
      EmbeddedKafka kafka,
      ElasticsearchClient client,
      Thread publisher,
      AtomicLong published,
      long expected,
      Duration limit,
      JobClient job)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    long start = System.nanoTime();
    // one admin client and one offsets reader for the whole loop (one per call leaked three
    // clients a second)
    try (Admin admin = kafka.admin();
        var offsets =
            TopicOffsets.reader(kafka.bootstrapServers(), IsolationLevel.READ_UNCOMMITTED)) {
      watchUntilSettled(
          err, client, admin, offsets, publisher, published, deadline, start, limit, job);
    }
  }

  private void watchUntilSettled(
      PrintWriter err,
      ElasticsearchClient client,
      Admin admin,
      Consumer<?, ?> offsets,
      Thread publisher,
      AtomicLong published,
      long deadline,
      long start,
      Duration limit,
      JobClient job)
      throws Exception {
    long lastFindings = -1;
    int stable = 0;
    while (System.nanoTime() < deadline) {
      long lag = lag(admin, "audit.raw");
      long findings = count(client, "leaverwatch-findings");
      long dlq = endOffsets(offsets, "audit.dlq");
      long events = endOffsets(offsets, "audit.events");
      double secs = (System.nanoTime() - start) / 1e9;
      err.printf(
          "\r  records in %,d%s | events in %,d | findings out %,d | dead letters %,d | lag %,d"
              + " | %.0f s   ",
          published.get(),
          publisher.isAlive() ? " (publishing)" : " (all published)",
          events,
          findings,
          dlq,
          lag,
          secs);
      err.flush();
      if (job.getJobStatus().get().isGloballyTerminalState()) {
        err.println();
        throw new IllegalStateException("the detection job stopped: " + job.getJobStatus().get());
      }
      boolean caughtUp = !publisher.isAlive() && lag == 0;
      stable = caughtUp && findings == lastFindings && findings > 0 ? stable + 1 : 0;
      lastFindings = findings;
      if (stable >= 4) {
        err.println();
        return;
      }
      Thread.sleep(1000); // progress refresh period, not synchronisation: the loop polls state
    }
    err.println();
    throw new IllegalStateException("findings did not settle within " + limit);
  }

  private void printSummary(
      PrintWriter err,
      ElasticsearchClient client,
      EmbeddedKafka kafka,
      EmbeddedElasticsearch es,
      Path org,
      Path root)
      throws IOException {
    client.indices().refresh(r -> r.index("leaverwatch-findings"));
    SearchResponse<Map> res =
        client.search(s -> s.index("leaverwatch-findings").size(10_000), Map.class);
    TreeMap<String, TreeMap<String, Integer>> table = new TreeMap<>();
    List<String> severities = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW");
    for (Hit<Map> h : res.hits().hits()) {
      Map<?, ?> doc = h.source();
      table
          .computeIfAbsent(String.valueOf(doc.get("type")), k -> new TreeMap<>())
          .merge(String.valueOf(doc.get("severity")), 1, Integer::sum);
    }
    err.println();
    err.printf(
        "  %-36s %8s %8s %8s %8s %8s%n",
        "finding type", "CRITICAL", "HIGH", "MEDIUM", "LOW", "total");
    int grand = 0;
    for (Map.Entry<String, TreeMap<String, Integer>> row : table.entrySet()) {
      int total = row.getValue().values().stream().mapToInt(Integer::intValue).sum();
      grand += total;
      err.printf(
          "  %-36s %8d %8d %8d %8d %8d%n",
          row.getKey(),
          row.getValue().getOrDefault(severities.get(0), 0),
          row.getValue().getOrDefault(severities.get(1), 0),
          row.getValue().getOrDefault(severities.get(2), 0),
          row.getValue().getOrDefault(severities.get(3), 0),
          total);
    }
    err.printf("  %-36s %44d%n", "all", grand);
    err.println();
    err.println("Where to look:");
    err.println(
        "  Elasticsearch   "
            + es.httpUrl()
            + "  (indices: leaverwatch-findings, leaverwatch-steps, leaverwatch-alerts, leaverwatch-dlq)");
    err.println(
        "    curl '" + es.httpUrl() + "/leaverwatch-findings/_search?q=severity:CRITICAL&pretty'");
    err.println(
        "  Kafka           "
            + kafka.bootstrapServers()
            + "  (topics: audit.raw, audit.events, audit.dlq, hr.departures, iam.identities, leaverwatch.findings)");
    err.println("  Generated data  " + org + "  (ground truth: ground-truth.ndjson)");
    err.println(
        "  Kibana objects  dashboards/kibana/leaverwatch.ndjson and leaverwatch-lens.ndjson"
            + " (./leaverwatch dashboards install --kibana URL; Kibana 8.19; events dated Oct 2026)");
    err.println("  Data folder     " + root);
    err.println(
        "  Node's folder   "
            + es.stagingDir()
            + "  (index data and logs while it runs; removed on exit, logs kept in "
            + es.dataDir().resolve("logs")
            + ")");
    err.flush();
  }

  static long count(ElasticsearchClient client, String index) {
    try {
      client.indices().refresh(r -> r.index(index));
      return client.count(c -> c.index(index)).count();
    } catch (Exception e) {
      return -1;
    }
  }

  static long lag(Admin admin, String topic) {
    return lag(admin, GROUP, topic);
  }

  static long lag(Admin admin, String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> want = new HashMap<>();
      for (var p :
          admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions()) {
        want.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
      }
      long lag = 0;
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
          admin.listOffsets(want).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    } catch (Exception e) {
      return -1;
    }
  }

  static long endOffsets(Consumer<?, ?> offsets, String topic) {
    try {
      return TopicOffsets.endOffsets(offsets, topic);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static long totalEvents(Path org) {
    try {
      var node =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(org.resolve("manifest.json").toFile());
      long total = 0;
      var events = node.path("events");
      for (var it = events.fields(); it.hasNext(); ) {
        total += it.next().getValue().asLong(0);
      }
      return total;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * The compliance report of the organisation's busiest week (most departures), read from the
   * node's findings and steps indices as {@code report --from-es} does.
   */
  private static Path writeReport(PrintWriter err, Path org, Path root, EmbeddedElasticsearch es) {
    Path departuresCsv = org.resolve("departures.csv");
    io.leaverwatch.report.ReportPeriod week =
        io.leaverwatch.report.WeeklyReport.busiestWeek(
            io.leaverwatch.report.WeeklyReport.readDepartures(departuresCsv),
            java.time.Instant.now());
    Path dir = root.resolve("report-" + week.label());
    err.println("demo: writing the compliance report of " + week.label() + " (busiest week)...");
    err.flush();
    io.leaverwatch.report.WeeklyReport.write(
        week,
        new io.leaverwatch.report.WeeklyReport.Elasticsearch(
            new io.leaverwatch.report.ElasticsearchSource(
                java.net.URI.create(es.httpUrl() + "/"), null, "leaverwatch"),
            es.httpUrl()),
        departuresCsv,
        null,
        java.time.Instant.now(),
        dir);
    return dir.resolve("report.html");
  }

  /**
   * Waits until the dispatcher has sent nothing and read nothing more for 25 s (longer than the
   * demo's digest window), at most 3 minutes.
   */
  private static void awaitAlerts(PrintWriter err, EmbeddedKafka kafka, DemoAlerts alerts)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    long quietSince = System.nanoTime();
    long lastSent = -1;
    long lastLag = -1;
    try (Admin admin = kafka.admin()) {
      while (System.nanoTime() < deadline) {
        alerts.checkAlive();
        long lag = lag(admin, DemoAlerts.GROUP, "leaverwatch.findings");
        long sent = alerts.sent();
        // the lag need not reach 0: transaction markers after the last findings hold offsets
        // that no consumer commits past
        if (sent != lastSent || lag != lastLag) {
          quietSince = System.nanoTime();
          lastSent = sent;
          lastLag = lag;
        }
        err.printf(
            "\r  alerts sent %,d | findings not yet read by the dispatcher %,d   ", sent, lag);
        err.flush();
        if (System.nanoTime() - quietSince > Duration.ofSeconds(25).toNanos()) {
          break;
        }
        Thread.sleep(1000); // progress refresh period, not synchronisation: the loop polls state
      }
    }
    err.println();
  }

  private static void shutdown(
      JobClient job, DemoAlerts alerts, EmbeddedKafka kafka, EmbeddedElasticsearch es) {
    if (alerts != null) {
      alerts.close();
    }
    if (job != null) {
      try {
        job.cancel().get();
      } catch (Exception ignored) {
        // already stopped
      }
    }
    kafka.close();
    es.close();
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(p)) {
      s.forEach(all::add);
    }
    all.sort(Comparator.reverseOrder());
    for (Path x : all) {
      Files.deleteIfExists(x);
    }
  }
}
