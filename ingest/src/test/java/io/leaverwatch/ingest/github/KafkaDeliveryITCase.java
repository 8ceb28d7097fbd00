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

  @BeforeAll
  static void startBroker() throws Exception {
    cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
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
    return new KafkaRecordSink<>(
        KafkaRecordSink.producer(bootstrap, "it"),
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
