package io.leaverwatch.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.ingest.FakeClock;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.IngestLoop;
import io.leaverwatch.ingest.IngestStatus;
import io.leaverwatch.ingest.http.Credentials;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import io.leaverwatch.ingest.sink.EventKeys;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.ingest.state.CheckpointStore;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitHub connector into a real (in-process KRaft) broker, across a kill and a restart. */
class KafkaDeliveryITCase {
  static final String TOKEN = "it-token-31337";
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  static KafkaClusterTestKit cluster;

  @TempDir Path state;
  static Path stateDir;

  @org.junit.jupiter.api.BeforeEach
  void keepStateDir() {
    stateDir = state;
  }

  @BeforeAll
  static void startBroker() throws Exception {
    cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "3")
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    cluster.close();
  }

  static byte[] encode(RawAuditRecord r) {
    try {
      ByteBuffer b = RawAuditRecord.getEncoder().encode(r);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyEventReachesTheTopicExactlyOnceAcrossAKillBeforeTheCursorMoved() throws Exception {
    String topic = "audit.raw.it";
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }
    FakeClock clock = new FakeClock(T0);
    FakeGitHubAuditApi api = new FakeGitHubAuditApi(TOKEN, "acme", 3);
    List<String> served = new ArrayList<>();
    try (FakeHttpServer server = new FakeHttpServer(clock, api)) {
      api.server = server;
      for (int i = 1; i <= 7; i++) {
        served.add(api.add("doc-" + i, T0.minusSeconds(600 - i * 10L), "org.remove_member"));
      }
      String bootstrap = cluster.bootstrapServers();
      // Kill after page 2 reached Kafka but before its cursor was saved (4th save).
      try (var sink = sink(bootstrap, topic)) {
        assertThatThrownBy(
                () -> loop(server, clock, sink, dying(new CursorStore(state), 4)).runOnce())
            .hasMessageContaining("simulated kill");
      }
      try (var sink = sink(bootstrap, topic)) {
        loop(server, clock, sink, new CursorStore(state)).runOnce();
      }
      List<String> onTopic = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("isolation.level", "read_committed");
      p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
      try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
        List<TopicPartition> tps =
            List.of(
                new TopicPartition(topic, 0),
                new TopicPartition(topic, 1),
                new TopicPartition(topic, 2));
        c.assign(tps);
        c.seekToBeginning(tps);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (onTopic.size() < 7 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
            RawAuditRecord raw = RawAuditRecord.getDecoder().decode(r.value());
            onTopic.add(StandardCharsets.UTF_8.decode(raw.getPayload()).toString());
            keys.add(r.key());
          }
        }
        // Nothing more arrives after the seven.
        onTopic.addAll(drain(c));
      }
      assertThat(onTopic).containsExactlyInAnyOrderElementsOf(served);
      assertThat(keys).contains("github:doc-1", "github:doc-7");
    }
  }

  @Test
  void aPageWithARecordRefusedOnOnePartitionIsDeliveredWholeOrNotAtAll() throws Exception {
    String topic = "audit.raw.refusing";
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 3, (short) 1)
                      .configs(java.util.Map.of("max.message.bytes", "20000"))))
          .all()
          .get();
    }
    // Random text does not compress: this record's batch is over the topic's limit and its
    // partition refuses it, while the page's other records are accepted by theirs.
    byte[] noise = new byte[40_000];
    new java.util.Random(7).nextBytes(noise);
    String big =
        "{\"uuid\":\"r-2\",\"pad\":\""
            + java.util.Base64.getEncoder().encodeToString(noise)
            + "\"}";
    List<String> page = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      page.add(i == 2 ? big : "{\"uuid\":\"r-" + i + "\"}");
    }
    var source =
        new io.leaverwatch.ingest.ListPageSource()
            .page("{\"uuid\":\"r-0\"}")
            .page(page.toArray(String[]::new));
    FakeClock clock = new FakeClock(T0);
    String bootstrap = cluster.bootstrapServers();
    try (var sink = sink(bootstrap, topic)) {
      assertThatThrownBy(() -> listLoop(source, clock, sink).runOnce())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("aborted");
    }
    assertThat(new CursorStore(state).load(source.key()).orElseThrow().position())
        .as("the cursor stays before the refused page")
        .isEqualTo("1");
    assertThat(readAll(bootstrap, topic, 1)).containsExactly("{\"uuid\":\"r-0\"}");

    // The operator raises the topic's limit; the next pass delivers the page once.
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      var resource =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
      admin
          .incrementalAlterConfigs(
              java.util.Map.of(
                  resource,
                  List.of(
                      new org.apache.kafka.clients.admin.AlterConfigOp(
                          new org.apache.kafka.clients.admin.ConfigEntry(
                              "max.message.bytes", "1048588"),
                          org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (var sink = sink(bootstrap, topic)) {
        listLoop(source, clock, sink).runOnce();
        break;
      } catch (IOException e) {
        // the new limit takes a moment to reach the broker's log
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
    List<String> expected = new ArrayList<>(page);
    expected.add(0, "{\"uuid\":\"r-0\"}");
    assertThat(readAll(bootstrap, topic, expected.size()))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  static IngestLoop listLoop(
      io.leaverwatch.ingest.PageSource source,
      FakeClock clock,
      KafkaRecordSink<RawAuditRecord> sink)
      throws IOException {
    IngestLog log = new IngestLog("list");
    return new IngestLoop(
        source,
        sink,
        new CursorStore(stateDir),
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("list", clock));
  }

  /** The committed payloads of the topic: waits for {@code expected}, then for any extra. */
  static List<String> readAll(String bootstrap, String topic, int expected) throws IOException {
    List<String> onTopic = new ArrayList<>();
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps =
          List.of(
              new TopicPartition(topic, 0),
              new TopicPartition(topic, 1),
              new TopicPartition(topic, 2));
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (onTopic.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          RawAuditRecord raw = RawAuditRecord.getDecoder().decode(r.value());
          onTopic.add(StandardCharsets.UTF_8.decode(raw.getPayload()).toString());
        }
      }
      onTopic.addAll(drain(c));
    }
    return onTopic;
  }

  static List<String> drain(KafkaConsumer<String, byte[]> c) throws IOException {
    List<String> more = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
      more.add(
          StandardCharsets.UTF_8
              .decode(RawAuditRecord.getDecoder().decode(r.value()).getPayload())
              .toString());
    }
    return more;
  }

  static KafkaRecordSink<RawAuditRecord> sink(String bootstrap, String topic) {
    return KafkaRecordSink.transactional(
        KafkaRecordSink.transactionalProducer(bootstrap, "it", "it-github-acme"),
        topic,
        EventKeys::of,
        KafkaDeliveryITCase::encode,
        () -> KafkaRecordSink.tailConsumer(bootstrap));
  }

  static IngestLoop loop(
      FakeHttpServer server,
      FakeClock clock,
      KafkaRecordSink<RawAuditRecord> sink,
      CheckpointStore store) {
    IngestLog log = new IngestLog("github");
    RateLimitedHttp http =
        new RateLimitedHttp(
            "GitHub",
            Credentials.fixed("Bearer", TOKEN),
            "x-ratelimit",
            clock,
            clock.sleeper(),
            log,
            3);
    return new IngestLoop(
        GitHubAuditLog.source(http, server.baseUrl(), "orgs/acme", T0.minus(Duration.ofDays(1))),
        sink,
        store,
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("github", clock));
  }

  static CheckpointStore dying(CheckpointStore real, int n) {
    return GitHubAuditLogTest.dyingOnSave(real, n);
  }
}
