package io.leaverwatch.bench.pipeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.embedded.EmbeddedElasticsearch;
import io.leaverwatch.embedded.EmbeddedKafka;
import io.leaverwatch.embedded.RunTopics;
import io.leaverwatch.embedded.TopicOffsets;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.jobs.bounded.BoundedDetection;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.StreamingPipeline;
import io.leaverwatch.jobs.sink.IndexTemplates;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.RawAuditRecord;
import io.leaverwatch.testkit.generate.GeneratorConfig;
import io.leaverwatch.testkit.generate.OrgGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.http.HttpHost;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.RestClient;

/**
 * The fault drill: the streaming job on a Flink MiniCluster with a real broker and node, fed a
 * generated organisation with poison records among its events, while its TaskManager is killed at
 * random points, Elasticsearch becomes unreachable for a while and the broker restarts. A checker
 * then compares what came out with the bounded {@code detect} run over the same files (the oracle):
 * every finding id and count in Elasticsearch, no duplicate on the findings topic read with {@code
 * read_committed}, and every raw record accounted for (its events normalised, or dead-lettered).
 */
final class FaultDrill {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POISON_ORIGIN = "fault-drill-poison";

  /** What the drill does to the pipeline. */
  record Plan(
      int people,
      int days,
      int departures,
      long seed,
      int jobKills,
      Duration esOutage,
      int brokerRestarts,
      double poisonShare,
      Duration timeout) {
    /** The drill of {@code bench drills}: 20 kills, Elasticsearch away 60 s, 1 % poison. */
    static Plan full(long seed) {
      return new Plan(
          300, 14, 30, seed, 20, Duration.ofSeconds(60), 1, 0.01, Duration.ofMinutes(25));
    }

    /** The suite's version: the same faults, fewer of them, on a smaller organisation. */
    static Plan quick(long seed) {
      return new Plan(80, 10, 10, seed, 3, Duration.ofSeconds(10), 1, 0.01, Duration.ofMinutes(10));
    }
  }

  /** What the checker found. {@link #passed()} is the drill's verdict. */
  record Report(
      int killsPlanned,
      int killsSurvived,
      long esOutageSeconds,
      int brokerRestarts,
      long rawRecordsIn,
      long poisonRecords,
      long eventsExpected,
      long eventsNormalised,
      long eventsMissing,
      long deadLettered,
      long poisonNotDeadLettered,
      long unexpectedDeadLetters,
      int findingsExpected,
      int findingsInElasticsearch,
      int findingsLost,
      int findingsExtra,
      int findingsDiffering,
      long findingsTopicRecords,
      long findingsTopicDuplicates,
      long elapsedSeconds,
      List<String> problems) {
    boolean passed() {
      return killsSurvived == killsPlanned
          && eventsMissing == 0
          && poisonNotDeadLettered == 0
          && unexpectedDeadLetters == 0
          && findingsLost == 0
          && findingsExtra == 0
          && findingsDiffering == 0
          && findingsTopicDuplicates == 0
          && problems.isEmpty();
    }

    String table() {
      StringBuilder b = new StringBuilder();
      row(b, "job kills survived", killsSurvived + " of " + killsPlanned);
      row(b, "Elasticsearch unreachable", esOutageSeconds + " s");
      row(b, "broker restarts", String.valueOf(brokerRestarts));
      row(b, "raw records in", String.valueOf(rawRecordsIn));
      row(b, "  of them poison", String.valueOf(poisonRecords));
      row(b, "events normalised (distinct ids)", eventsNormalised + " of " + eventsExpected);
      row(b, "events missing", String.valueOf(eventsMissing));
      row(b, "records dead-lettered", String.valueOf(deadLettered));
      row(b, "poison not dead-lettered", String.valueOf(poisonNotDeadLettered));
      row(b, "unexpected dead letters", String.valueOf(unexpectedDeadLetters));
      row(b, "findings expected (detect)", String.valueOf(findingsExpected));
      row(b, "findings in Elasticsearch", String.valueOf(findingsInElasticsearch));
      row(b, "findings lost", String.valueOf(findingsLost));
      row(b, "findings extra", String.valueOf(findingsExtra));
      row(b, "findings differing", String.valueOf(findingsDiffering));
      row(b, "findings topic records", String.valueOf(findingsTopicRecords));
      row(b, "findings topic duplicates", String.valueOf(findingsTopicDuplicates));
      row(b, "elapsed", elapsedSeconds + " s");
      row(b, "verdict", passed() ? "PASSED" : "FAILED");
      for (String p : problems) {
        b.append("  problem: ").append(p).append('\n');
      }
      return b.toString();
    }

    private static void row(StringBuilder b, String k, String v) {
      b.append(String.format("  %-34s %s%n", k, v));
    }
  }

  /** The fields a user sees of a finding; the oracle and Elasticsearch must agree on them. */
  record FindingView(
      String type, String severity, String personId, String source, long eventCount) {}

  private final Path work;
  private final Path rulesDir;
  private final PipelineBenchCommand.BenchProgress progress;
  private final String run = "drill" + UUID.randomUUID().toString().substring(0, 6);

  FaultDrill(Path work, Path rulesDir, PipelineBenchCommand.BenchProgress progress) {
    this.work = work;
    this.rulesDir = rulesDir;
    this.progress = progress;
  }

  Report run(Plan plan) throws Exception {
    long started = System.nanoTime();
    List<String> problems = new ArrayList<>();
    Path org = work.resolve("org");
    PipelineBenchCommand.deleteRecursively(org);
    progress.line(
        "generating %d people, %d days, %d departures (seed %d)",
        plan.people(), plan.days(), plan.departures(), plan.seed());
    new OrgGenerator(
            new GeneratorConfig(
                plan.people(),
                plan.days(),
                plan.departures(),
                plan.seed(),
                GeneratorConfig.DEFAULT_START,
                GeneratorConfig.DEFAULT_EVENTS_PER_DAY,
                GeneratorConfig.DEFAULT_DOMAIN,
                org),
            line -> {})
        .run();
    List<Path> eventDirs = PipelineBenchCommand.eventDirs(org);

    progress.line("oracle: the bounded detect run over the same files");
    Map<String, FindingView> expected = oracleFindings(org, eventDirs);
    Set<String> expectedEvents = oracleEventIds(eventDirs);
    progress.line("oracle: %d findings, %d events", expected.size(), expectedEvents.size());

    PipelineBenchCommand.deleteRecursively(work.resolve("kafka"));
    PipelineBenchCommand.deleteRecursively(work.resolve("elasticsearch"));
    PipelineBenchCommand.deleteRecursively(work.resolve("checkpoints"));
    progress.line("starting a broker and a node under %s", work);
    AtomicReference<EmbeddedKafka> kafka =
        new AtomicReference<>(EmbeddedKafka.start(work.resolve("kafka")));
    Map<String, String> topics = new TreeMap<>();
    try (EmbeddedElasticsearch es = EmbeddedElasticsearch.start(work.resolve("elasticsearch"));
        OutageProxy esProxy = new OutageProxy(es.httpPort())) {
      EmbeddedKafka k = kafka.get();
      topics.putAll(RunTopics.create(k, run));
      IndexTemplates.install(es.client(), run);

      Map<String, String> envVars = new HashMap<>();
      envVars.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", k.bootstrapServers());
      envVars.put("LEAVERWATCH_KAFKA_GROUP_ID", run + "-detection");
      envVars.put("LEAVERWATCH_KAFKA_TRANSACTIONAL_ID_PREFIX", run + "-findings");
      topics.forEach((key, v) -> envVars.put(PipelineConfig.envName("topics." + key), v));
      envVars.put("LEAVERWATCH_ES_URLS", esProxy.url());
      envVars.put("LEAVERWATCH_ES_INDEX_PREFIX", run);
      envVars.put("LEAVERWATCH_CHECKPOINT_INTERVAL", "2s");
      // files are replayed a day at a time: events arrive up to a day out of order
      envVars.put("LEAVERWATCH_MAX_OUT_OF_ORDERNESS", "26h");
      envVars.put("LEAVERWATCH_CHECKPOINT_DIR", work.resolve("checkpoints").toUri().toString());
      envVars.put("LEAVERWATCH_PARALLELISM", "2");
      // the drill fails the job every few seconds: the production back-off (doubling to 5 min,
      // reset after an hour) would make it wait minutes per kill; what it tests is the recovery
      envVars.put(PipelineConfig.envName("restart.max_backoff"), "8s");
      PipelineConfig cfg = PipelineConfig.load(null, envVars);

      Configuration conf = new Configuration();
      conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
      conf.set(RestOptions.BIND_PORT, "0");
      try (MiniCluster cluster =
          new MiniCluster(
              new MiniClusterConfiguration.Builder()
                  .setConfiguration(conf)
                  .setNumTaskManagers(1)
                  .setNumSlotsPerTaskManager(cfg.parallelism())
                  .build())) {
        cluster.start();
        java.net.URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
        StreamExecutionEnvironment env =
            StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
        env.setParallelism(cfg.parallelism());
        StreamingPipeline.build(env, cfg, rulesDir.toString(), envVars);
        JobClient job = env.executeAsync("fault-drill");
        awaitRunning(job, Duration.ofSeconds(90));

        List<RecordMetadata> poison = new ArrayList<>();
        long rawIn;
        try (Producer<String, byte[]> producer =
            KafkaRecordSink.producer(k.bootstrapServers(), run + "-publisher")) {
          FilePublisher publisher =
              new FilePublisher(
                  producer,
                  new FilePublisher.Topics(
                      topics.get("raw"),
                      topics.get("departures"),
                      topics.get("identities"),
                      topics.get("access")));
          publisher.publishPeople(
              org.resolve("departures.csv"),
              org.resolve("identities.csv"),
              org.resolve("access.ndjson"));
          // people before events, as in production where the HR and IAM topics are long filled
          TopicOffsets.awaitConsumed(
              k,
              run + "-detection",
              List.of(topics.get("departures"), topics.get("identities"), topics.get("access")),
              Duration.ofSeconds(90));
          long poisonCount = Math.max(3, Math.round(expectedEvents.size() * plan.poisonShare()));
          progress.line(
              "publishing %d events and %d poison records", expectedEvents.size(), poisonCount);
          // half of the poison before the events, half after: the job must read on past both
          poison.addAll(publishPoison(k.bootstrapServers(), topics.get("raw"), poisonCount / 2, 0));
          publisher.publishEvents(eventDirs, null);
          poison.addAll(
              publishPoison(
                  k.bootstrapServers(),
                  topics.get("raw"),
                  poisonCount - poisonCount / 2,
                  poisonCount / 2));
        }

        Chaos chaos = new Chaos(plan, cluster, job, esProxy, kafka, progress);
        chaos.runAll();
        rawIn = endOffsets(kafka.get(), topics.get("raw"));

        progress.line("waiting for the findings in Elasticsearch to equal the oracle");
        Map<String, FindingView> actual;
        try (RestClient rc = RestClient.builder(HttpHost.create(es.httpUrl())).build()) {
          ElasticsearchClient client =
              new ElasticsearchClient(new RestClientTransport(rc, new JacksonJsonpMapper()));
          actual =
              awaitFindings(
                  client, run + "-findings", expected, job, deadline(started, plan.timeout()));
        }
        JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
        if (status != JobStatus.RUNNING) {
          problems.add("the job is " + status + " at the end of the drill, not RUNNING");
        }

        String bootstrap = kafka.get().bootstrapServers();
        Set<String> normalised = distinctEventIds(bootstrap, topics.get("events"));
        Set<String> missing = new TreeSet<>(expectedEvents);
        missing.removeAll(normalised);
        // a poison record is known by its position when it does not decode, and by the origin and
        // cursor it carries when it does (a decoded record's dead letter names those)
        List<Set<String>> dead = deadLetterKeys(bootstrap, topics.get("dlq"));
        Set<String> deadKeys = new HashSet<>();
        dead.forEach(deadKeys::addAll);
        Set<String> poisonKeys = new HashSet<>();
        Set<String> notDead = new TreeSet<>();
        for (int i = 0; i < poison.size(); i++) {
          RecordMetadata m = poison.get(i);
          String at = m.topic() + "/" + m.partition() + "@" + m.offset();
          String named = POISON_ORIGIN + "#" + i;
          poisonKeys.add(at);
          poisonKeys.add(named);
          if (!deadKeys.contains(at) && !deadKeys.contains(named)) {
            notDead.add(at);
          }
        }
        long unexpectedDead =
            dead.stream().filter(keys -> keys.stream().noneMatch(poisonKeys::contains)).count();
        int deadPositionsCount = new HashSet<>(dead).size();
        long[] topic = findingsTopic(bootstrap, topics.get("findings"));

        TreeSet<String> lost = new TreeSet<>(expected.keySet());
        lost.removeAll(actual.keySet());
        TreeSet<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        int differ = 0;
        for (String id : expected.keySet()) {
          if (actual.containsKey(id) && !actual.get(id).equals(expected.get(id))) {
            differ++;
            problems.add(
                "finding "
                    + id
                    + " differs: detect "
                    + expected.get(id)
                    + ", Elasticsearch "
                    + actual.get(id));
          }
        }
        lost.stream().limit(10).forEach(id -> problems.add("lost: " + id + " " + expected.get(id)));
        extra.stream().limit(10).forEach(id -> problems.add("extra: " + id + " " + actual.get(id)));
        missing.stream().limit(5).forEach(id -> problems.add("event never normalised: " + id));
        job.cancel().get(60, TimeUnit.SECONDS);
        return new Report(
            plan.jobKills(),
            chaos.killsSurvived.get(),
            chaos.esOutage.toSeconds(),
            chaos.brokerRestarts.get(),
            rawIn,
            poison.size(),
            expectedEvents.size(),
            normalised.size(),
            missing.size(),
            deadPositionsCount,
            notDead.size(),
            unexpectedDead,
            expected.size(),
            actual.size(),
            lost.size(),
            extra.size(),
            differ,
            topic[0],
            topic[1],
            (System.nanoTime() - started) / 1_000_000_000L,
            problems);
      }
    } finally {
      kafka.get().close();
    }
  }

  /**
   * Kills the TaskManager at random points (each time waiting for the job to run again), takes
   * Elasticsearch away after a third of the kills and restarts the broker after two thirds.
   */
  private static final class Chaos {
    private final Plan plan;
    private final MiniCluster cluster;
    private final JobClient job;
    private final OutageProxy esProxy;
    private final AtomicReference<EmbeddedKafka> kafka;
    private final PipelineBenchCommand.BenchProgress progress;
    private final Random random;
    final AtomicInteger killsSurvived = new AtomicInteger();
    final AtomicInteger brokerRestarts = new AtomicInteger();
    Duration esOutage = Duration.ZERO;
    private int taskManagers = 1;

    Chaos(
        Plan plan,
        MiniCluster cluster,
        JobClient job,
        OutageProxy esProxy,
        AtomicReference<EmbeddedKafka> kafka,
        PipelineBenchCommand.BenchProgress progress) {
      this.plan = plan;
      this.cluster = cluster;
      this.job = job;
      this.esProxy = esProxy;
      this.kafka = kafka;
      this.progress = progress;
      this.random = new Random(plan.seed());
    }

    void runAll() throws Exception {
      int esAt = plan.jobKills() / 3;
      int brokerAt = (2 * plan.jobKills()) / 3;
      for (int i = 0; i < plan.jobKills(); i++) {
        if (i == esAt) {
          elasticsearchOutage();
        }
        if (i == brokerAt) {
          for (int r = 0; r < plan.brokerRestarts(); r++) {
            restartBroker();
          }
        }
        // a random point: 0.2 to 5 s after the job runs again (mid-checkpoint, mid-transaction,
        // mid-bulk request, wherever that falls)
        waitBetween(Duration.ofMillis(200 + random.nextInt(4800)));
        killTaskManager(i + 1);
      }
      if (plan.jobKills() == 0) {
        elasticsearchOutage();
        restartBroker();
      }
    }

    private void killTaskManager(int n) throws Exception {
      cluster.terminateTaskManager(taskManagers - 1).get(60, TimeUnit.SECONDS);
      cluster.startTaskManager();
      taskManagers++;
      awaitRunning(job, Duration.ofMinutes(3));
      killsSurvived.incrementAndGet();
      progress.line("kill %d of %d: TaskManager terminated, job running again", n, plan.jobKills());
    }

    private void elasticsearchOutage() throws Exception {
      progress.line("Elasticsearch unreachable for %d s", plan.esOutage().toSeconds());
      esProxy.down();
      long t0 = System.nanoTime();
      waitBetween(plan.esOutage());
      esProxy.up();
      esOutage = Duration.ofNanos(System.nanoTime() - t0);
      progress.line("Elasticsearch reachable again after %d s", esOutage.toSeconds());
    }

    private void restartBroker() throws Exception {
      progress.line("restarting the broker");
      kafka.set(kafka.get().restart());
      brokerRestarts.incrementAndGet();
      awaitRunning(job, Duration.ofMinutes(3));
      progress.line("broker back; job running");
    }
  }

  /** A wait of the drill's own schedule (a fault's timing), never a synchronisation. */
  private static void waitBetween(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  private static long deadline(long startedNanos, Duration timeout) {
    return startedNanos + timeout.toNanos();
  }

  private static void awaitRunning(JobClient job, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    JobStatus s = null;
    while (System.nanoTime() < deadline) {
      s = job.getJobStatus().get(30, TimeUnit.SECONDS);
      if (s == JobStatus.RUNNING) {
        return;
      }
      if (s.isGloballyTerminalState()) {
        throw new IllegalStateException("the job ended as " + s);
      }
      waitBetween(Duration.ofMillis(100));
    }
    throw new IllegalStateException(
        "the job did not run again within " + within.toSeconds() + " s (status " + s + ")");
  }

  private Map<String, FindingView> oracleFindings(Path org, List<Path> eventDirs) throws Exception {
    Path out = work.resolve("oracle-findings.ndjson");
    BoundedDetection.run(
        new BoundedDetection.Request(
            eventDirs,
            PeopleFiles.readDepartures(org.resolve("departures.csv")),
            PeopleFiles.readIdentities(org.resolve("identities.csv")),
            PeopleFiles.readAccess(org.resolve("access.ndjson")),
            rulesDir,
            null,
            out,
            null,
            null,
            2));
    Map<String, FindingView> byId = new TreeMap<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        JsonNode f = JSON.readTree(line);
        byId.put(f.get("finding_id").asText(), view(f));
      }
    }
    return byId;
  }

  private Set<String> oracleEventIds(List<Path> eventDirs) throws IOException {
    EventNormalizer normalizer = new EventNormalizer(ActionClassifier.load(rulesDir));
    Set<String> ids = new HashSet<>();
    try (RecordReader reader = RecordReader.open(eventDirs, Clock.systemUTC())) {
      while (reader.hasNext()) {
        ReadItem item = reader.next();
        if (item instanceof ReadItem.Record r) {
          for (Normalization n : normalizer.normalize(r.record())) {
            if (n instanceof Normalization.Normalized ok) {
              ids.add(ok.event().getEventId());
            }
          }
        }
      }
    }
    return ids;
  }

  private static FindingView view(JsonNode f) {
    return new FindingView(
        text(f, "type"),
        text(f, "severity"),
        text(f, "person_id"),
        text(f, "source"),
        f.path("event_count").asLong(-1));
  }

  private static String text(JsonNode f, String field) {
    JsonNode v = f.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /**
   * Poison of four kinds in turn: bytes that are not Avro, truncated Avro, Avro of a schema the
   * topic does not carry, and a well-formed record whose payload no normaliser reads.
   */
  private static List<RecordMetadata> publishPoison(
      String bootstrap, String rawTopic, long count, long first) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    List<RecordMetadata> where = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(p)) {
      for (long i = first; i < first + count; i++) {
        where.add(raw.send(new ProducerRecord<>(rawTopic, (int) (i % 2), null, poison(i))).get());
      }
    }
    return where;
  }

  private static byte[] poison(long i) {
    byte[] whole =
        AvroMessages.encode(
            RawAuditRecord.newBuilder()
                .setSource("okta")
                .setReceivedAt(Instant.parse("2026-10-02T10:00:00Z"))
                .setOrigin(POISON_ORIGIN)
                .setCursor(String.valueOf(i))
                .setPayload(
                    ByteBuffer.wrap(
                        ("{\"not\":\"an audit event\",\"n\":" + i + "}")
                            .getBytes(StandardCharsets.UTF_8)))
                .build());
    return switch ((int) (i % 4)) {
      case 0 -> ("poison " + i + " \u0000\u00ff not Avro").getBytes(StandardCharsets.ISO_8859_1);
      case 1 -> Arrays.copyOf(whole, whole.length / 2);
      case 2 ->
          AvroMessages.encode(
              Departure.newBuilder()
                  .setPersonId("p-poison-" + i)
                  .setEmail("poison@corp.example.com")
                  .setRole("engineer")
                  .setDepartedAt(Instant.parse("2026-10-02T17:00:00Z"))
                  .setStatus(io.leaverwatch.schema.DepartureStatus.DEPARTED)
                  .build());
      default -> whole;
    };
  }

  private static Map<String, FindingView> awaitFindings(
      ElasticsearchClient client,
      String alias,
      Map<String, FindingView> expected,
      JobClient job,
      long deadlineNanos)
      throws Exception {
    Map<String, FindingView> last = Map.of();
    long equalSince = -1;
    while (System.nanoTime() < deadlineNanos) {
      try {
        last = readFindings(client, alias);
      } catch (IOException | RuntimeException e) {
        waitBetween(Duration.ofSeconds(1));
        continue;
      }
      if (last.equals(expected)) {
        if (equalSince < 0) {
          equalSince = System.nanoTime();
        } else if (System.nanoTime() - equalSince > Duration.ofSeconds(6).toNanos()) {
          return last;
        }
      } else {
        equalSince = -1;
      }
      if (job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
        return last;
      }
      waitBetween(Duration.ofMillis(500));
    }
    return last;
  }

  private static Map<String, FindingView> readFindings(ElasticsearchClient client, String alias)
      throws IOException {
    client.indices().refresh(r -> r.index(alias));
    @SuppressWarnings("rawtypes")
    SearchResponse<Map> res = client.search(s -> s.index(alias).size(10_000), Map.class);
    Map<String, FindingView> byId = new TreeMap<>();
    for (@SuppressWarnings("rawtypes") Hit<Map> h : res.hits().hits()) {
      byId.put(h.id(), view(JSON.valueToTree(h.source())));
    }
    return byId;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /** Reads a topic from the beginning to the end offsets it has now, record by record. */
  private static void readAll(
      String bootstrap,
      String topic,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          each.accept(r);
        }
      }
    }
  }

  private interface Decoding<T> {
    T decode() throws IOException;
  }

  private static <T> T decode(Decoding<T> d) {
    try {
      return d.decode();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("a record the job wrote does not decode", e);
    }
  }

  /** What the job's readers (read_committed) see of {@code topic}. */
  private static long endOffsets(EmbeddedKafka kafka, String topic) {
    try (var c = TopicOffsets.reader(kafka.bootstrapServers(), IsolationLevel.READ_COMMITTED)) {
      return TopicOffsets.endOffsets(c, topic);
    }
  }

  private static Set<String> distinctEventIds(String bootstrap, String topic) {
    Set<String> ids = new HashSet<>();
    readAll(
        bootstrap,
        topic,
        r -> ids.add(decode(() -> AuditEvent.getDecoder().decode(r.value())).getEventId()));
    return ids;
  }

  /** Each dead letter's keys: its raw position, and its origin and cursor when it has them. */
  private static List<Set<String>> deadLetterKeys(String bootstrap, String topic) {
    List<Set<String>> all = new ArrayList<>();
    readAll(
        bootstrap,
        topic,
        r -> {
          DeadLetter d = decode(() -> DeadLetter.getDecoder().decode(r.value()));
          Set<String> keys = new HashSet<>();
          if (d.getTopic() != null && d.getOffset() != null) {
            keys.add(d.getTopic() + "/" + d.getPartition() + "@" + d.getOffset());
          }
          if (d.getOrigin() != null && d.getCursor() != null) {
            keys.add(d.getOrigin() + "#" + d.getCursor());
          }
          all.add(keys);
        });
    return all;
  }

  /**
   * Records on the findings topic, and how many of them repeat a (finding id, revision, content)
   * already read: with exactly-once delivery a consumer never sees the same version twice.
   */
  private static long[] findingsTopic(String bootstrap, String topic) {
    Set<String> seen = new HashSet<>();
    long[] n = new long[2];
    readAll(
        bootstrap,
        topic,
        r -> {
          n[0]++;
          Finding f = decode(() -> Finding.getDecoder().decode(r.value()));
          String version =
              f.getFindingId()
                  + "|"
                  + f.getRevision()
                  + "|"
                  + f.getEventCount()
                  + "|"
                  + f.getSeverity()
                  + "|"
                  + f.getStatus()
                  + "|"
                  + f.getLastSeen();
          if (!seen.add(version)) {
            n[1]++;
          }
        });
    return n;
  }
}
