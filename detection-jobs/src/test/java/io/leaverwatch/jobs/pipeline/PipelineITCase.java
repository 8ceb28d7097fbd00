package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.embedded.EmbeddedElasticsearch;
import io.leaverwatch.embedded.EmbeddedKafka;
import io.leaverwatch.embedded.RunTopics;
import io.leaverwatch.embedded.SharedEmbeddedServices;
import io.leaverwatch.embedded.TopicOffsets;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.jobs.bounded.BoundedDetection;
import io.leaverwatch.jobs.sink.IndexTemplates;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.RawAuditRecord;
import io.leaverwatch.testkit.generate.GeneratorConfig;
import io.leaverwatch.testkit.generate.OrgGenerator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job as it runs in production, on real parts: a Kafka broker, an Elasticsearch node
 * and a Flink MiniCluster. A generated organisation goes in through the ingest publisher; what
 * lands in Elasticsearch must be what the bounded {@code detect} run finds in the same files, and
 * poison records must end in the dead-letter topic without stopping the job.
 */
class PipelineITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONVERGE_WITHIN = Duration.ofSeconds(120);

  /** The fields a user sees in the findings table; streaming and bounded must agree on them. */
  record FindingView(
      String type, String severity, String personId, String source, long eventCount) {}

  @TempDir Path tmp;

  @Test
  void findingsInElasticsearchEqualTheBoundedRunAndPoisonRecordsAreDeadLettered() throws Exception {
    Path rules = rulesDir();
    String run = "it" + UUID.randomUUID().toString().substring(0, 8);
    String indexPrefix = run;

    EmbeddedKafka kafka = SharedEmbeddedServices.kafka();
    EmbeddedElasticsearch es = SharedEmbeddedServices.elasticsearch();
    Map<String, String> topics = RunTopics.create(kafka, run);
    IndexTemplates.install(es.client(), indexPrefix);

    Path org = tmp.resolve("org");
    new OrgGenerator(
            new GeneratorConfig(
                200,
                14,
                60,
                3,
                GeneratorConfig.DEFAULT_START,
                GeneratorConfig.DEFAULT_EVENTS_PER_DAY,
                GeneratorConfig.DEFAULT_DOMAIN,
                org),
            line -> {})
        .run();
    List<Path> eventDirs =
        List.of(org.resolve("okta"), org.resolve("github"), org.resolve("cloudtrail"));

    Map<String, FindingView> expected = boundedFindings(org, eventDirs, rules);
    assertThat(expected).as("the generated organisation yields findings").isNotEmpty();

    Map<String, String> envVars = new HashMap<>();
    envVars.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    envVars.put("LEAVERWATCH_KAFKA_GROUP_ID", run + "-detection");
    envVars.put("LEAVERWATCH_KAFKA_TRANSACTIONAL_ID_PREFIX", run + "-findings");
    topics.forEach((k, v) -> envVars.put(PipelineConfig.envName("topics." + k), v));
    envVars.put("LEAVERWATCH_ES_URLS", es.httpUrl());
    envVars.put("LEAVERWATCH_ES_INDEX_PREFIX", indexPrefix);
    envVars.put("LEAVERWATCH_CHECKPOINT_INTERVAL", "1s");
    // the files are replayed a day at a time (FilePublisher.inDayOrder), so events arrive up to a
    // day out of order, not the quarter hour of a live feed: deadlines wait for that
    envVars.put("LEAVERWATCH_MAX_OUT_OF_ORDERNESS", "26h");
    // without a checkpoint folder Flink keeps checkpoints in the JobManager, capped at 5 MB: this
    // organisation's detector state is larger
    envVars.put("LEAVERWATCH_CHECKPOINT_DIR", tmp.resolve("checkpoints").toUri().toString());
    envVars.put("LEAVERWATCH_PARALLELISM", "2");
    PipelineConfig cfg = PipelineConfig.load(null, envVars);

    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    StreamingPipeline.build(env, cfg, rules.toString(), envVars);
    JobClient job = env.executeAsync("pipeline-itcase");
    try {
      List<RecordMetadata> poison;
      try (Producer<String, byte[]> producer =
          KafkaRecordSink.producer(kafka.bootstrapServers(), run + "-publisher")) {
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
        // People before events, as in production where HR and IAM topics are long populated:
        // wait until the job has committed (on a checkpoint) the end of the three people topics.
        TopicOffsets.awaitConsumed(
            kafka,
            run + "-detection",
            List.of(topics.get("departures"), topics.get("identities"), topics.get("access")),
            Duration.ofSeconds(60));
        // poison before the events: the findings below prove the job read on past it
        poison = publishPoison(kafka.bootstrapServers(), topics.get("raw"));
        publisher.publishEvents(eventDirs, null);
      }

      Map<String, FindingView> actual = awaitFindings(es.client(), indexPrefix, expected, job);
      List<DeadLetter> dead = awaitDeadLetters(kafka.bootstrapServers(), topics.get("dlq"), poison);
      assertThat(dead).hasSize(3);
      for (DeadLetter d : dead) {
        System.err.printf(
            "dead letter %s-%d@%d: %s%n",
            d.getTopic(), d.getPartition(), d.getOffset(), d.getReason());
        assertThat(d.getTopic()).isEqualTo(topics.get("raw"));
        assertThat(d.getReason()).isNotBlank();
        assertThat(d.getPayload().remaining()).isPositive();
      }
      assertThat(dead.get(0).getReason())
          .as("garbage bytes")
          .contains("undecodable", "Unrecognized header bytes");
      assertThat(dead.get(1).getReason())
          .as("truncated Avro")
          .contains("undecodable", "Decoding datum failed");
      assertThat(dead.get(2).getReason())
          .as("Avro of an unknown schema")
          .contains("undecodable", "Cannot resolve schema for fingerprint");
      for (DeadLetter d : dead) {
        assertThat(d.getReason())
            .contains(d.getTopic() + "/" + d.getPartition() + "@" + d.getOffset());
      }

      assertThat(job.getJobStatus().get(30, java.util.concurrent.TimeUnit.SECONDS))
          .as("the job keeps running after poison records")
          .isEqualTo(JobStatus.RUNNING);
      if (!actual.equals(expected)) {
        printSummaries(es.client(), indexPrefix + "-findings", actual, expected);
      }
      assertSameFindings(actual, expected);

    } finally {
      job.cancel().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static Path rulesDir() {
    String p = System.getProperty("leaverwatch.rules");
    Path rules = p != null ? Path.of(p) : Path.of("../rules");
    assumeTrue(Files.isDirectory(rules), "rules directory not found: " + rules);
    return rules.toAbsolutePath().normalize();
  }

  private Map<String, FindingView> boundedFindings(Path org, List<Path> eventDirs, Path rules)
      throws Exception {
    Path out = tmp.resolve("bounded-findings.ndjson");
    BoundedDetection.run(
        new BoundedDetection.Request(
            eventDirs,
            PeopleFiles.readDepartures(org.resolve("departures.csv")),
            PeopleFiles.readIdentities(org.resolve("identities.csv")),
            PeopleFiles.readAccess(org.resolve("access.ndjson")),
            rules,
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
   * Three records the job cannot read, each on partition 0 of audit.raw; returns where they are.
   */
  private static List<RecordMetadata> publishPoison(String bootstrap, String rawTopic)
      throws Exception {
    byte[] garbage = "this is not Avro \u0000\u00ff at all".getBytes(StandardCharsets.ISO_8859_1);
    byte[] whole =
        AvroMessages.encode(
            RawAuditRecord.newBuilder()
                .setSource("okta")
                .setReceivedAt(Instant.parse("2026-10-02T10:00:00Z"))
                .setOrigin("poison-test")
                .setCursor("1")
                .setPayload(ByteBuffer.wrap("{\"uuid\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .build());
    byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
    byte[] unknownSchema =
        AvroMessages.encode(
            Departure.newBuilder()
                .setPersonId("p-poison")
                .setEmail("poison@corp.example.com")
                .setRole("engineer")
                .setDepartedAt(Instant.parse("2026-10-02T17:00:00Z"))
                .setStatus(io.leaverwatch.schema.DepartureStatus.DEPARTED)
                .build());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    List<RecordMetadata> where = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(p)) {
      for (byte[] value : List.of(garbage, truncated, unknownSchema)) {
        where.add(raw.send(new ProducerRecord<>(rawTopic, 0, null, value)).get());
      }
    }
    return where;
  }

  /**
   * Polls the findings alias until it holds exactly the expected findings and still does a few
   * checkpoints later (a streaming run may update a count after the first write).
   */
  private static Map<String, FindingView> awaitFindings(
      ElasticsearchClient client, String prefix, Map<String, FindingView> expected, JobClient job)
      throws Exception {
    String alias = prefix + "-findings";
    long deadline = System.nanoTime() + CONVERGE_WITHIN.toNanos();
    Map<String, FindingView> last = Map.of();
    long equalSince = -1;
    while (System.nanoTime() < deadline) {
      JobStatus status = job.getJobStatus().get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(status).as("job status while waiting for findings").isEqualTo(JobStatus.RUNNING);
      last = readFindings(client, alias);
      if (last.equals(expected)) {
        if (equalSince < 0) {
          equalSince = System.nanoTime();
        } else if (System.nanoTime() - equalSince > Duration.ofSeconds(4).toNanos()) {
          return last;
        }
      } else {
        equalSince = -1;
      }
      pause(Duration.ofMillis(500));
    }
    return last;
  }

  private static Map<String, FindingView> readFindings(ElasticsearchClient client, String alias)
      throws Exception {
    client.indices().refresh(r -> r.index(alias));
    @SuppressWarnings("rawtypes")
    SearchResponse<Map> res = client.search(s -> s.index(alias).size(10_000), Map.class);
    Map<String, FindingView> byId = new TreeMap<>();
    for (@SuppressWarnings("rawtypes") Hit<Map> h : res.hits().hits()) {
      JsonNode doc = JSON.valueToTree(h.source());
      byId.put(h.id(), view(doc));
    }
    return byId;
  }

  /** What the findings that only one side has say about themselves (for the failure report). */
  private static void printSummaries(
      ElasticsearchClient client,
      String alias,
      Map<String, FindingView> actual,
      Map<String, FindingView> expected)
      throws Exception {
    @SuppressWarnings("rawtypes")
    SearchResponse<Map> res = client.search(s -> s.index(alias).size(10_000), Map.class);
    for (@SuppressWarnings("rawtypes") Hit<Map> h : res.hits().hits()) {
      if (!expected.containsKey(h.id())) {
        System.err.println(
            "only streaming "
                + h.id()
                + ": "
                + h.source().get("person_id")
                + " "
                + h.source().get("summary")
                + " details="
                + h.source().get("details")
                + " departed_at="
                + h.source().get("departed_at"));
      }
    }
  }

  private static void assertSameFindings(
      Map<String, FindingView> actual, Map<String, FindingView> expected) {
    TreeSet<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(actual.keySet());
    TreeSet<String> extra = new TreeSet<>(actual.keySet());
    extra.removeAll(expected.keySet());
    List<String> differ = new ArrayList<>();
    for (String id : expected.keySet()) {
      if (actual.containsKey(id) && !actual.get(id).equals(expected.get(id))) {
        differ.add(id + ": bounded " + expected.get(id) + " vs streaming " + actual.get(id));
      }
    }
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            "bounded %d findings, Elasticsearch %d; %d only in bounded, %d only in Elasticsearch,"
                + " %d differ%n",
            expected.size(), actual.size(), missing.size(), extra.size(), differ.size()));
    missing.forEach(id -> report.append("  only bounded: ").append(expected.get(id)).append('\n'));
    extra.forEach(id -> report.append("  only streaming: ").append(actual.get(id)).append('\n'));
    differ.forEach(d -> report.append("  differs ").append(d).append('\n'));
    if (!missing.isEmpty() || !extra.isEmpty() || !differ.isEmpty()) {
      System.err.println(report);
    }
    assertThat(actual.keySet()).as(report.toString()).isEqualTo(expected.keySet());
    assertThat(differ).as(report.toString()).isEmpty();
  }

  /** Reads the dead-letter topic until a dead letter for each poison record is there. */
  private static List<DeadLetter> awaitDeadLetters(
      String bootstrap, String dlqTopic, List<RecordMetadata> poison) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    DeadLetter[] found = new DeadLetter[poison.size()];
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(dlqTopic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      while (Arrays.stream(found).anyMatch(d -> d == null) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          DeadLetter d = DeadLetter.getDecoder().decode(r.value());
          for (int i = 0; i < poison.size(); i++) {
            RecordMetadata m = poison.get(i);
            if (d.getPartition() != null
                && d.getOffset() != null
                && d.getPartition() == m.partition()
                && d.getOffset() == m.offset()
                && m.topic().equals(d.getTopic())) {
              found[i] = d;
            }
          }
        }
      }
    }
    List<DeadLetter> out = new ArrayList<>();
    for (int i = 0; i < found.length; i++) {
      assertThat(found[i])
          .as(
              "dead letter for poison record %d at %s-%d@%d",
              i, poison.get(i).topic(), poison.get(i).partition(), poison.get(i).offset())
          .isNotNull();
      out.add(found[i]);
    }
    return out;
  }

  /** The wait between two polls of a deadline loop (never a synchronisation by itself). */
  private static void pause(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
