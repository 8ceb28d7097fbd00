package io.leaverwatch.alerting.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.alerting.AlertRun;
import io.leaverwatch.alerting.AlertStats;
import io.leaverwatch.alerting.standin.FakePagerDuty;
import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alert --config} against a real (in-process KRaft) broker: findings of an aborted
 * transaction are never alerted (read_committed), and a restart of the dispatcher in the same
 * consumer group sends nothing twice.
 */
class KafkaAlertITCase {
  static final String TOPIC = "leaverwatch.findings.it";
  static final String KEY = "abcdefabcdefabcdefabcdefabcdef12";
  static KafkaClusterTestKit cluster;

  @TempDir Path tmp;

  @BeforeAll
  static void startBroker() throws Exception {
    cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            // one broker: the transaction and offset logs cannot ask for three replicas
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "1")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    try (Admin admin = Admin.create(cluster.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }
  }

  @AfterAll
  static void stopBroker() throws Exception {
    cluster.close();
  }

  static KafkaProducer<byte[], byte[]> producer() {
    return producerFor(cluster, "it-findings");
  }

  /** A transactional producer of findings, as the detection job writes them. */
  static KafkaProducer<byte[], byte[]> producerFor(KafkaClusterTestKit cluster, String txId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.put("transactional.id", txId);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
    producer.initTransactions();
    return producer;
  }

  static void send(KafkaProducer<byte[], byte[]> p, Finding f, boolean commit) {
    p.beginTransaction();
    p.send(new ProducerRecord<>(TOPIC, f.getFindingId().getBytes(), AvroMessages.encode(f)));
    if (commit) {
      p.commitTransaction();
    } else {
      p.flush();
      p.abortTransaction();
    }
  }

  @Test
  void onlyCommittedFindingsAlertAndARestartSendsNothingTwice() throws Exception {
    Path routes = tmp.resolve("alerting.yaml");
    Files.writeString(tmp.resolve("pd.key"), KEY);
    Files.writeString(
        routes,
        "receivers:\n  - name: oncall\n    pagerduty: {routing_key_file: pd.key}\n"
            + "routes:\n  - match: {min_severity: HIGH}\n    receivers: [oncall]\n");
    try (FakePagerDuty pd = new FakePagerDuty();
        KafkaProducer<byte[], byte[]> producer = producer()) {
      AlertRun.Options options =
          new AlertRun.Options(
              routes,
              tmp.resolve("state"),
              tmp.resolve("dlq.ndjson"),
              pd.baseUrl(),
              "http://127.0.0.1:9",
              false,
              null,
              null);
      Properties consumer =
          KafkaAlertLoop.consumerProperties(
              cluster.bootstrapServers(), "it-alerts", new Properties());
      send(producer, Findings.high("kept-1"), true);
      send(producer, Findings.high("aborted"), false);
      send(producer, Findings.high("kept-2"), true);

      Running first = start(options, consumer);
      await(() -> pd.triggers() >= 2, "two triggers");
      first.stop();
      assertThat(pd.alerts()).containsOnlyKeys("kept-1", "kept-2");

      // restarted in the same group: committed offsets and the ledger mean no repeat; the new
      // revision resolves the alert
      send(producer, Findings.resolved("kept-1", 2), true);
      Running second = start(options, consumer);
      await(() -> pd.resolves() >= 1, "a resolve");
      second.stop();
      assertThat(pd.triggers()).isEqualTo(2);
      assertThat(pd.alerts().get("kept-1").status).isEqualTo("resolved");
      assertThat(second.stats.findingsIn.get()).isEqualTo(1);
      assertThat(second.error.get()).isNull();
    }
  }

  record Running(
      Thread thread, AtomicBoolean stopFlag, AlertStats stats, AtomicReference<Throwable> error) {
    void stop() throws InterruptedException {
      stopFlag.set(true);
      thread.join(30_000);
      assertThat(thread.isAlive()).isFalse();
      assertThat(error.get()).isNull();
    }
  }

  static Running start(AlertRun.Options o, Properties consumer) {
    AtomicBoolean stop = new AtomicBoolean();
    AlertStats stats = new AlertStats();
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                AlertRun.streaming(
                    o,
                    AlertRun.prepare(o, Map.of()),
                    consumer,
                    TOPIC,
                    "unused.dlq",
                    "unused.ledger",
                    stop,
                    stats);
              } catch (Throwable e) {
                error.set(e);
              }
            },
            "alert-it");
    t.start();
    return new Running(t, stop, stats, error);
  }

  static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50); // polling with a deadline, not synchronisation
    }
  }

  /** Findings for this test. */
  static final class Findings {
    static Finding high(String id) {
      java.time.Instant t = java.time.Instant.parse("2026-03-02T10:00:00Z");
      return Finding.newBuilder()
          .setFindingId(id)
          .setType(io.leaverwatch.schema.FindingType.RETAINED_ACCESS)
          .setSeverity(io.leaverwatch.schema.Severity.HIGH)
          .setPersonId("p-7")
          .setFirstSeen(t)
          .setLastSeen(t)
          .setRuleId("retained-access")
          .setSummary("okta deactivation missing 1 h after departure")
          .setRevision(1)
          .build();
    }

    static Finding resolved(String id, long revision) {
      return Finding.newBuilder(high(id))
          .setRevision(revision)
          .setStatus(FindingStatus.RESOLVED)
          .setResolution("revoked late")
          .build();
    }
  }
}
