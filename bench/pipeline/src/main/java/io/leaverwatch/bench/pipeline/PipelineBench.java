package io.leaverwatch.bench.pipeline;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.embedded.EmbeddedElasticsearch;
import io.leaverwatch.embedded.EmbeddedKafka;
import io.leaverwatch.embedded.TopicOffsets;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.StreamingPipeline;
import io.leaverwatch.jobs.sink.IndexTemplates;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The four measurements of {@code bench pipeline}, against one broker and one node. */
final class PipelineBench implements AutoCloseable {
  static final String RAW = "bench.raw";
  static final String DEPARTURES = "bench.departures";
  static final String IDENTITIES = "bench.identities";
  static final String ACCESS = "bench.access";
  static final String LATENCY_RAW = "bench.latency.raw";

  /** A stall this long ends a throughput run: the job normalised all it ever will. */
  private static final Duration STALL = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  record Latency(long p50Ms, long p99Ms, double achievedRateEps) {}

  private record Marker(String personId, long eventTimeMs, long appendTimeMs) {
    String key() {
      return personId + "|" + eventTimeMs;
    }
  }

  private final EmbeddedKafka kafka;
  private final EmbeddedElasticsearch es;
  private final Path rulesDir;
  private final Path org;
  private final PipelineBenchCommand.BenchProgress progress;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final java.util.concurrent.atomic.AtomicInteger consumerRuns =
      new java.util.concurrent.atomic.AtomicInteger();
  private MiniCluster cluster;
  private KafkaConsumer<byte[], byte[]> offsets;

  PipelineBench(
      EmbeddedKafka kafka,
      EmbeddedElasticsearch es,
      Path rulesDir,
      Path org,
      PipelineBenchCommand.BenchProgress progress) {
    this.kafka = kafka;
    this.es = es;
    this.rulesDir = rulesDir;
    this.org = org;
    this.progress = progress;
  }

  FilePublisher.Topics inputTopics() {
    return new FilePublisher.Topics(RAW, DEPARTURES, IDENTITIES, ACCESS);
  }

  List<Path> eventDirs() {
    return PipelineBenchCommand.eventDirs(org);
  }

  void createInputTopics() {
    kafka.createTopic(RAW, 2, false);
    kafka.createTopic(DEPARTURES, 1, true);
    kafka.createTopic(IDENTITIES, 1, true);
    kafka.createTopic(ACCESS, 1, false);
  }

  // ------------------------------------------------------------------ (1) ceiling

  /**
   * Two consumers, each given half of audit.raw's partitions, decode every RawAuditRecord; the
   * clock runs from both being positioned at the start to the last record decoded.
   */
  double ceiling(long rawRecords, long events) throws Exception {
    return median("ceiling", () -> plainConsumers("ceiling", rawRecords, events, null));
  }

  /**
   * A ceiling run lasts a second or two, so one run says as much about the machine's neighbours as
   * about the code: each ceiling is the median of three runs.
   */
  private double median(String label, java.util.concurrent.Callable<Double> run) throws Exception {
    double[] runs = new double[3];
    for (int i = 0; i < runs.length; i++) {
      collectEarlierRunsGarbage();
      runs[i] = run.call();
    }
    double[] sorted = runs.clone();
    java.util.Arrays.sort(sorted);
    progress.line(
        "%s: %,.0f, %,.0f and %,.0f events/s; the median, %,.0f, counts",
        label, runs[0], runs[1], runs[2], sorted[1]);
    return sorted[1];
  }

  /**
   * The same two consumers, each also parsing and normalising every record with the job's own
   * {@link EventNormalizer} (its first step, which the design puts in the job): no design that
   * normalises in the job can go faster than this on the same cores.
   */
  double normaliseCeiling(long rawRecords, long events) throws Exception {
    return median(
        "normalise ceiling",
        () ->
            plainConsumers(
                "normalise ceiling",
                rawRecords,
                events,
                () -> new EventNormalizer(ActionClassifier.load(rulesDir))));
  }

  private double plainConsumers(
      String label,
      long rawRecords,
      long events,
      java.util.function.Supplier<EventNormalizer> normalizers)
      throws Exception {
    String group =
        "bench-" + label.replace(' ', '-') + "-" + run + "-" + consumerRuns.incrementAndGet();
    // each consumer is given its partitions (no group rebalance: with one, a partition moved
    // between consumers was read again from the start, and some records twice)
    List<TopicPartition> partitions = new ArrayList<>();
    for (var info : offsetsConsumer().partitionsFor(RAW)) {
      partitions.add(new TopicPartition(RAW, info.partition()));
    }
    AtomicLong normalisedEvents = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    AtomicLong payloadBytes = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(2);
    AtomicLong started = new AtomicLong();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        List<TopicPartition> mine = new ArrayList<>();
        for (int p = i; p < partitions.size(); p += 2) {
          mine.add(partitions.get(p));
        }
        workers.add(
            pool.submit(
                () -> {
                  try (KafkaConsumer<byte[], byte[]> c =
                      new KafkaConsumer<>(consumerProps(group))) {
                    c.assign(mine);
                    c.seekToBeginning(mine);
                    Map<TopicPartition, Long> ends = c.endOffsets(mine);
                    for (TopicPartition tp : mine) {
                      c.position(tp);
                    }
                    EventNormalizer normalizer = normalizers == null ? null : normalizers.get();
                    ready.countDown();
                    ready.await();
                    started.compareAndSet(0, System.nanoTime());
                    long bytes = 0;
                    long out = 0;
                    while (!caughtUp(c, mine, ends) && System.nanoTime() < deadline) {
                      ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
                      for (ConsumerRecord<byte[], byte[]> r : records) {
                        RawAuditRecord decoded =
                            RawAuditRecord.getDecoder().decode(ByteBuffer.wrap(r.value()));
                        bytes += decoded.getPayload().remaining();
                        if (normalizer != null) {
                          out += normalizer.normalize(decoded).size();
                        }
                      }
                      consumed.addAndGet(records.count());
                    }
                    finished.accumulateAndGet(System.nanoTime(), Math::max);
                    payloadBytes.addAndGet(bytes);
                    normalisedEvents.addAndGet(out);
                  }
                  return null;
                }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
    if (consumed.get() != rawRecords) {
      throw new IllegalStateException(
          label + ": read " + consumed.get() + " records where " + rawRecords + " were published");
    }
    double secs = (finished.get() - started.get()) / 1e9;
    progress.line(
        "%s: %,d records (%,d MB of payload) decoded%s in %.2f s",
        label,
        rawRecords,
        payloadBytes.get() >> 20,
        normalizers == null
            ? ""
            : String.format(" and normalised (%,d results)", normalisedEvents.get()),
        secs);
    return events / secs;
  }

  /**
   * The runs share one JVM: each leaves its state and buffers behind as garbage, and a full
   * collection of it (0.5–1 s with the parallel collector, per its log) landing in the next run
   * measured the previous one. A production job has no earlier runs: collect before each run.
   */
  private static void collectEarlierRunsGarbage() {
    System.gc();
  }

  private static boolean caughtUp(
      KafkaConsumer<byte[], byte[]> c, List<TopicPartition> mine, Map<TopicPartition, Long> ends) {
    for (TopicPartition tp : mine) {
      if (c.position(tp) < ends.get(tp)) {
        return false;
      }
    }
    return true;
  }

  private Properties consumerProps(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  // ------------------------------------------------------------------ (2) and (3) the job

  /**
   * Runs the streaming job from the beginning of audit.raw and returns events/s: the events it
   * normalised (each is written to its audit.events topic) or dead-lettered, over the time from the
   * job reporting RUNNING until the last of them.
   */
  double job(String tag, boolean withElasticsearch, long events) throws Exception {
    Map<String, String> env = jobEnvironment(tag, RAW, withElasticsearch);
    String eventsTopic = env.get(PipelineConfig.envName("topics.events"));
    String dlqTopic = env.get(PipelineConfig.envName("topics.dlq"));
    collectEarlierRunsGarbage();
    JobClient job = startJob(env, "bench " + tag);
    try {
      long t0 = awaitRunning(job);
      long count = 0;
      long lastChange = t0;
      long lastReport = t0;
      while (count < events) {
        pause(Duration.ofMillis(100));
        long now = System.nanoTime();
        long c = endOffsets(eventsTopic) + endOffsets(dlqTopic);
        if (c != count) {
          count = c;
          lastChange = now;
        } else if (now - lastChange > STALL.toNanos()) {
          progress.line(
              "%s: stalled at %,d of %,d events for %d s; measuring what was normalised",
              tag, count, events, STALL.toSeconds());
          break;
        }
        if (now - lastReport > Duration.ofSeconds(5).toNanos()) {
          lastReport = now;
          JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
          progress.line(
              "%s: %,d / %,d events normalised, %,.0f/s (%s)",
              tag, count, events, count / ((now - t0) / 1e9), status);
          if (status != JobStatus.RUNNING) {
            throw new IllegalStateException(tag + ": the job is " + status + ", not RUNNING");
          }
        }
      }
      double secs = (lastChange - t0) / 1e9;
      progress.line(
          "%s: %,d events in %.2f s after RUNNING; findings topic at offset %,d (every version"
              + " of a finding, and transaction markers)",
          tag, count, secs, endOffsets(env.get(PipelineConfig.envName("topics.findings"))));
      return count / secs;
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  /** The model the next runs score ANOMALOUS_ACTIVITY with; null: the job runs without it. */
  void anomalyModelDir(Path dir) {
    anomalyModelDir = dir;
  }

  private Path anomalyModelDir;

  private Map<String, String> jobEnvironment(String tag, String rawTopic, boolean withEs)
      throws IOException {
    String id = tag + "-" + run;
    Map<String, String> env = new HashMap<>();
    if (anomalyModelDir != null) {
      env.put(PipelineConfig.envName("anomaly.model_dir"), anomalyModelDir.toString());
    }
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("LEAVERWATCH_KAFKA_GROUP_ID", "bench-" + id);
    env.put("LEAVERWATCH_KAFKA_TRANSACTIONAL_ID_PREFIX", "bench-" + id);
    env.put(PipelineConfig.envName("topics.raw"), rawTopic);
    env.put(PipelineConfig.envName("topics.departures"), DEPARTURES);
    env.put(PipelineConfig.envName("topics.identities"), IDENTITIES);
    env.put(PipelineConfig.envName("topics.access"), ACCESS);
    String prefix = "bench." + id;
    env.put(PipelineConfig.envName("topics.events"), prefix + ".events");
    env.put(PipelineConfig.envName("topics.dlq"), prefix + ".dlq");
    env.put(PipelineConfig.envName("topics.findings"), prefix + ".findings");
    env.put("LEAVERWATCH_PARALLELISM", "2");
    // the JobManager's in-memory checkpoint storage is capped at 5 MB: too small for this state
    env.put(
        "LEAVERWATCH_CHECKPOINT_DIR",
        org.getParent().resolve("checkpoints").resolve(id).toUri().toString());
    kafka.createTopic(prefix + ".events", 2, false);
    kafka.createTopic(prefix + ".dlq", 1, false);
    kafka.createTopic(prefix + ".findings", 2, false);
    if (withEs) {
      String indexPrefix = "bench-" + tag;
      env.put("LEAVERWATCH_ES_URLS", es.httpUrl());
      env.put("LEAVERWATCH_ES_INDEX_PREFIX", indexPrefix);
      IndexTemplates.install(es.client(), indexPrefix);
    }
    return env;
  }

  /**
   * Every run goes to one MiniCluster that lives as long as the bench, as a production job runs on
   * a long-lived cluster: a cluster per run would load and compile its RPC system (about 1,800
   * classes) again each time and make the warm-up worthless.
   */
  private JobClient startJob(Map<String, String> envVars, String name) throws Exception {
    PipelineConfig cfg = PipelineConfig.load(null, envVars);
    if (cluster == null) {
      Configuration conf = new Configuration();
      conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
      conf.set(RestOptions.BIND_PORT, "0");
      cluster =
          new MiniCluster(
              new MiniClusterConfiguration.Builder()
                  .setConfiguration(conf)
                  .setNumTaskManagers(1)
                  .setNumSlotsPerTaskManager(cfg.parallelism())
                  .build());
      cluster.start();
    }
    java.net.URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
    env.setParallelism(cfg.parallelism());
    StreamingPipeline.build(env, cfg, rulesDir.toString(), envVars);
    return env.executeAsync(name);
  }

  @Override
  public void close() throws Exception {
    if (offsets != null) {
      offsets.close();
      offsets = null;
    }
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  private static long awaitRunning(JobClient job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JobStatus s = job.getJobStatus().get(30, TimeUnit.SECONDS);
      if (s == JobStatus.RUNNING) {
        return System.nanoTime();
      }
      if (s.isGloballyTerminalState()) {
        throw new IllegalStateException("the job ended as " + s + " before running");
      }
      pause(Duration.ofMillis(10));
    }
    throw new IllegalStateException("the job did not reach RUNNING within 60 s");
  }

  /** The consumer {@link TopicOffsets} reads end offsets with. Called from the main thread only. */
  private KafkaConsumer<byte[], byte[]> offsetsConsumer() {
    if (offsets == null) {
      Properties p = consumerProps("unused");
      p.remove(ConsumerConfig.GROUP_ID_CONFIG);
      offsets = new KafkaConsumer<>(p);
    }
    return offsets;
  }

  private long endOffsets(String topic) {
    return TopicOffsets.endOffsets(offsetsConsumer(), topic);
  }

  // ------------------------------------------------------------------ (4) latency

  /**
   * The job with Elasticsearch reads a topic fed at {@code rate} events/s with Okta and GitHub
   * records replayed from audit.raw (CloudTrail files are left out: one record holds up to
   * thousands of events, which would make the rate bursty). Every 500 ms a marker is appended: a
   * sign-in of a departed person in an hour of its own, which the job turns into a new
   * POST_DEPARTURE_ACTIVITY finding at once. Latency: searchable in Elasticsearch minus the
   * broker's LogAppendTime.
   */
  Latency latency(int requestedRate, int markerCount) throws Exception {
    java.util.concurrent.atomic.AtomicInteger rate =
        new java.util.concurrent.atomic.AtomicInteger(requestedRate);
    try (Admin admin = kafka.admin()) {
      NewTopic t = new NewTopic(LATENCY_RAW, 2, (short) 1);
      t.configs(
          Map.of(
              TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
              "LogAppendTime",
              TopicConfig.RETENTION_BYTES_CONFIG,
              String.valueOf(512L << 20)));
      admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
    }
    List<MarkerPerson> people = markerPeople();
    if (people.isEmpty()) {
      throw new IllegalStateException("no departed person without an incident to mark");
    }
    ObjectNode template = oktaSignInTemplate();
    Map<String, String> env = jobEnvironment("latency", LATENCY_RAW, true);
    String alias = env.get("LEAVERWATCH_ES_INDEX_PREFIX") + "-findings";
    String eventsTopic = env.get(PipelineConfig.envName("topics.events"));

    collectEarlierRunsGarbage();
    JobClient job = startJob(env, "bench latency");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong sent = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    Map<String, Marker> pending = new ConcurrentHashMap<>();
    Map<String, Long> latencies = new ConcurrentHashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
      awaitRunning(job);
      Future<?> feeder = threads.submit(() -> feed(producer, rate, stop, sent));
      // warm up: the job has read the people topics and normalises the background
      long warm = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (endOffsets(eventsTopic) < Math.min(rate.get() * 5L, 50_000)
          && System.nanoTime() < warm) {
        pause(Duration.ofMillis(200));
        if (feeder.isDone()) {
          feeder.get();
        }
      }
      pause(Duration.ofSeconds(5));
      sustainableRate(eventsTopic, rate, sent, feeder);
      progress.line(
          "latency: background at %,d events/s; appending %d markers", rate.get(), markerCount);

      ElasticsearchClient client = es.client();
      Set<String> personIds =
          people.stream().map(MarkerPerson::personId).collect(Collectors.toSet());
      Future<?> poller =
          threads.submit(() -> pollFindings(client, alias, personIds, pending, latencies, stop));
      long sentAtStart = sent.get();
      long windowStart = System.nanoTime();
      for (int i = 0; i < markerCount; i++) {
        MarkerPerson p = people.get(i % people.size());
        long eventTime =
            p.departedAtMs() + Duration.ofHours(26 + i / people.size()).toMillis() + 7 * 60_000L;
        byte[] value = markerRecord(template, p, eventTime, i);
        RecordMetadata m = producer.send(new ProducerRecord<>(LATENCY_RAW, null, value)).get();
        Marker marker = new Marker(p.personId(), eventTime, m.timestamp());
        pending.put(marker.key(), marker);
        pause(Duration.ofMillis(500));
      }
      long windowEnd = System.nanoTime();
      double achieved =
          (sent.get() - sentAtStart + markerCount) / ((windowEnd - windowStart) / 1e9);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (latencies.size() < markerCount && System.nanoTime() < deadline) {
        pause(Duration.ofMillis(100));
        if (poller.isDone()) {
          poller.get();
        }
      }
      stop.set(true);
      feeder.get(30, TimeUnit.SECONDS);
      poller.get(30, TimeUnit.SECONDS);
      if (latencies.size() < markerCount) {
        progress.line(
            "latency: %d of %d markers never became findings in 60 s: %s",
            markerCount - latencies.size(), markerCount, pending.keySet());
      }
      if (latencies.isEmpty()) {
        throw new IllegalStateException("no marker became a finding in Elasticsearch");
      }
      List<Long> samples = new ArrayList<>(latencies.values());
      long p50 = Percentiles.nearestRank(samples, 50);
      long p99 = Percentiles.nearestRank(samples, 99);
      progress.line(
          "latency: %d markers, p50 %d ms, p99 %d ms, max %d ms at %,.0f events/s",
          samples.size(),
          p50,
          p99,
          samples.stream().mapToLong(Long::longValue).max().orElse(0),
          achieved);
      return new Latency(p50, p99, achieved);
    } finally {
      stop.set(true);
      threads.shutdownNow();
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  private record MarkerPerson(String personId, String email, String oktaId, long departedAtMs) {}

  /**
   * Departed people with an Okta identity and no incident of their own (so the marker's hour holds
   * nothing else), departed late enough that the job still holds their departure at the end of the
   * data (the history horizon is 14 days).
   */
  private List<MarkerPerson> markerPeople() throws IOException {
    Set<String> withIncident = new HashSet<>();
    for (String line : Files.readAllLines(org.resolve("ground-truth.ndjson"))) {
      if (!line.isBlank()) {
        withIncident.add(JSON.readTree(line).path("person_id").asText());
      }
    }
    Map<String, String> okta = new HashMap<>();
    for (IdentityLink l : PeopleFiles.readIdentities(org.resolve("identities.csv"))) {
      if ("okta".equals(l.getSystem()) && l.getIdentity().startsWith("00u")) {
        okta.put(l.getPersonId(), l.getIdentity());
      }
    }
    List<Departure> deps = PeopleFiles.readDepartures(org.resolve("departures.csv"));
    long last = deps.stream().mapToLong(d -> d.getDepartedAt().toEpochMilli()).max().orElse(0);
    return deps.stream()
        .filter(d -> d.getStatus() == DepartureStatus.DEPARTED)
        .filter(d -> !withIncident.contains(d.getPersonId()))
        .filter(d -> okta.containsKey(d.getPersonId()) && d.getEmail() != null)
        .filter(d -> d.getDepartedAt().toEpochMilli() > last - Duration.ofDays(10).toMillis())
        .sorted((a, b) -> b.getDepartedAt().compareTo(a.getDepartedAt()))
        .map(
            d ->
                new MarkerPerson(
                    d.getPersonId(),
                    d.getEmail(),
                    okta.get(d.getPersonId()),
                    d.getDepartedAt().toEpochMilli()))
        .toList();
  }

  private ObjectNode oktaSignInTemplate() throws IOException {
    try (Stream<Path> files = Files.list(org.resolve("okta"))) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.contains("\"user.session.start\"") && line.contains("\"SUCCESS\"")) {
              return (ObjectNode) JSON.readTree(line);
            }
          }
        }
      }
    }
    throw new IllegalStateException("no Okta sign-in in the generated logs to copy");
  }

  private static byte[] markerRecord(ObjectNode template, MarkerPerson p, long eventTime, int i)
      throws IOException {
    ObjectNode e = template.deepCopy();
    ObjectNode actor = (ObjectNode) e.get("actor");
    actor.put("id", p.oktaId());
    actor.put("alternateId", p.email());
    actor.put("displayName", p.email());
    String ip = "203.0.113." + (1 + i % 250);
    ((ObjectNode) e.get("client")).put("ipAddress", ip);
    if (e.path("request").path("ipChain") instanceof ArrayNode chain && !chain.isEmpty()) {
      ((ObjectNode) chain.get(0)).put("ip", ip);
    }
    e.put("published", Instant.ofEpochMilli(eventTime).toString());
    e.put("uuid", UUID.randomUUID().toString());
    RawAuditRecord raw =
        new RawAuditRecord(
            null,
            Instant.now(),
            "bench-marker",
            "marker " + i,
            ByteBuffer.wrap(JSON.writeValueAsBytes(e)),
            null);
    return AvroMessages.encode(raw);
  }

  /**
   * Latency means something only at a rate the job keeps up with: a backlog would grow for as long
   * as the run lasts. Over 10 s windows, while the job normalises clearly less than is fed, the
   * rate steps down to 80% of what it managed, and the backlog is left to drain, at most four
   * times. (The throughput runs mix in CloudTrail files of many events each, so what the job
   * sustains on one-event Okta and GitHub records is lower.)
   */
  private void sustainableRate(
      String eventsTopic,
      java.util.concurrent.atomic.AtomicInteger rate,
      AtomicLong sent,
      Future<?> feeder)
      throws Exception {
    for (int step = 0; step < 4; step++) {
      long done0 = endOffsets(eventsTopic);
      long sent0 = sent.get();
      long t0 = System.nanoTime();
      pause(Duration.ofSeconds(10));
      if (feeder.isDone()) {
        feeder.get();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      double done = (endOffsets(eventsTopic) - done0) / secs;
      double fed = (sent.get() - sent0) / secs;
      long backlog = sent.get() - endOffsets(eventsTopic);
      if (done >= fed * 0.97 && backlog < rate.get()) {
        progress.line(
            "latency: the job keeps up with %,.0f events/s (backlog %,d events)", fed, backlog);
        return;
      }
      int lower = (int) Math.max(100, done * 0.8);
      progress.line(
          "latency: fed %,.0f events/s, normalised %,.0f/s (backlog %,d): stepping down to %,d"
              + " events/s",
          fed, done, backlog, lower);
      rate.set(lower);
      long drain = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (sent.get() - endOffsets(eventsTopic) > lower && System.nanoTime() < drain) {
        pause(Duration.ofMillis(500));
      }
    }
    progress.line("latency: still behind after four steps down; measuring at %,d", rate.get());
  }

  /** Replays the Okta and GitHub records of audit.raw into the latency topic at {@code rate}/s. */
  private Void feed(
      KafkaProducer<byte[], byte[]> producer,
      java.util.concurrent.atomic.AtomicInteger rate,
      AtomicBoolean stop,
      AtomicLong sent) {
    Properties p = consumerProps("bench-feeder-" + run);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = List.of(new TopicPartition(RAW, 0), new TopicPartition(RAW, 1));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      long start = System.nanoTime();
      long sentAtStart = sent.get();
      int pacedRate = rate.get();
      while (!stop.get()) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (stop.get()) {
            break;
          }
          RawAuditRecord raw = RawAuditRecord.getDecoder().decode(ByteBuffer.wrap(r.value()));
          ByteBuffer payload = raw.getPayload();
          if (payload.remaining() > 0 && startsWithRecords(payload)) {
            continue;
          }
          if (rate.get() != pacedRate) {
            // a new rate paces from here on
            pacedRate = rate.get();
            start = System.nanoTime();
            sentAtStart = sent.get();
          }
          long due = start + (long) ((sent.get() - sentAtStart) * 1e9 / pacedRate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          producer.send(new ProducerRecord<>(LATENCY_RAW, r.key(), r.value()));
          sent.incrementAndGet();
        }
        for (TopicPartition tp : parts) {
          if (c.position(tp) >= ends.get(tp)) {
            c.seekToBeginning(List.of(tp));
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return null;
  }

  private static boolean startsWithRecords(ByteBuffer payload) {
    byte[] head = new byte[Math.min(32, payload.remaining())];
    payload.duplicate().get(head);
    String s = new String(head, StandardCharsets.UTF_8).stripLeading();
    return s.startsWith("{\"Records\"") || s.startsWith("{ \"Records\"");
  }

  /** Searches for the markers' findings every 50 ms, as a user's query would see them. */
  private Void pollFindings(
      ElasticsearchClient client,
      String alias,
      Set<String> personIds,
      Map<String, Marker> pending,
      Map<String, Long> latencies,
      AtomicBoolean stop)
      throws IOException {
    List<FieldValue> ids = personIds.stream().map(FieldValue::of).toList();
    while (!stop.get()) {
      if (!pending.isEmpty()) {
        @SuppressWarnings("rawtypes")
        SearchResponse<Map> res =
            client.search(
                s ->
                    s.index(alias)
                        .size(10_000)
                        .source(src -> src.filter(f -> f.includes("person_id", "first_seen")))
                        .query(
                            q ->
                                q.bool(
                                    b ->
                                        b.filter(
                                                f ->
                                                    f.term(
                                                        t ->
                                                            t.field("type")
                                                                .value("POST_DEPARTURE_ACTIVITY")))
                                            .filter(
                                                f ->
                                                    f.terms(
                                                        t ->
                                                            t.field("person_id")
                                                                .terms(v -> v.value(ids)))))),
                Map.class);
        long seen = System.currentTimeMillis();
        for (@SuppressWarnings("rawtypes") Hit<Map> h : res.hits().hits()) {
          Object person = h.source().get("person_id");
          Object first = h.source().get("first_seen");
          if (person == null || first == null) {
            continue;
          }
          String key = person + "|" + Instant.parse(first.toString()).toEpochMilli();
          Marker m = pending.remove(key);
          if (m != null) {
            latencies.put(key, seen - m.appendTimeMs());
          }
        }
      }
      pause(Duration.ofMillis(50));
    }
    return null;
  }

  private Properties producerProps() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
