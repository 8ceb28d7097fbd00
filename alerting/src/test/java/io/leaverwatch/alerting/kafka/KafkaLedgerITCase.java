package io.leaverwatch.alerting.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.alerting.AlertRun;
import io.leaverwatch.alerting.AlertStats;
import io.leaverwatch.alerting.DeliveryHooks;
import io.leaverwatch.alerting.standin.FakePagerDuty;
import io.leaverwatch.alerting.standin.FakeSlack;
import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alert --config} with no {@code --state}: the ledger is the compacted topic, read back at
 * start, and the findings offsets commit in the ledger producer's transactions. Killed at every
 * step of a delivery on a real (in-process KRaft) broker and restarted, each receiver is told once.
 */
class KafkaLedgerITCase {
  static final String PD_KEY = "abcdefabcdefabcdefabcdefabcdef12";
  static final String SLACK_TOKEN = "xoxb-it-ledger";
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
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "1")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    cluster.close();
  }

  /** One isolated setup: its own findings topic, ledger topic, group and stand-ins. */
  final class Setup implements AutoCloseable {
    final String findings;
    final String ledgerTopic;
    final String group;
    final FakePagerDuty pd = new FakePagerDuty();
    final FakeSlack slack = new FakeSlack(SLACK_TOKEN);
    final AlertRun.Options options;
    final KafkaProducer<byte[], byte[]> producer;

    Setup(String name) throws Exception {
      this(name, "");
    }

    /** {@code digest} is the routes file's digest line, or empty for the default. */
    Setup(String name, String digest) throws Exception {
      findings = "findings." + name;
      ledgerTopic = "alerts." + name;
      group = "alerts-" + name;
      try (Admin admin = Admin.create(cluster.clientProperties())) {
        admin.createTopics(List.of(new NewTopic(findings, 1, (short) 1))).all().get();
      }
      Path dir = tmp.resolve(name);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("pd.key"), PD_KEY);
      Files.writeString(dir.resolve("slack.token"), SLACK_TOKEN);
      Path routes = dir.resolve("alerting.yaml");
      Files.writeString(
          routes,
          "receivers:\n"
              + "  - name: oncall\n    pagerduty: {routing_key_file: pd.key}\n"
              + "  - name: channel\n"
              + "    slack: {channel: \"#sec-leavers\", token_file: slack.token}\n"
              + "routes:\n  - match: {min_severity: HIGH}\n    receivers: [oncall, channel]\n"
              + digest);
      options =
          new AlertRun.Options(
              routes,
              null, // no --state: the ledger topic
              dir.resolve("dlq.ndjson"),
              pd.baseUrl(),
              slack.baseUrl(),
              false,
              null,
              null);
      producer = KafkaAlertITCase.producerFor(cluster, "it-" + name);
    }

    void send(Finding f) {
      producer.beginTransaction();
      producer.send(
          new org.apache.kafka.clients.producer.ProducerRecord<>(
              findings, f.getFindingId().getBytes(), AvroMessages.encode(f)));
      producer.commitTransaction();
    }

    Running start(DeliveryHooks hooks) {
      Properties consumer =
          KafkaAlertLoop.consumerProperties(cluster.bootstrapServers(), group, new Properties());
      AtomicBoolean stop = new AtomicBoolean();
      AlertStats stats = new AlertStats();
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  AlertRun.streaming(
                      options,
                      AlertRun.prepare(options, Map.of()),
                      consumer,
                      findings,
                      "unused.dlq",
                      ledgerTopic,
                      stop,
                      stats,
                      hooks);
                } catch (Throwable e) {
                  error.set(e);
                }
              },
              "alert-ledger-it");
      t.start();
      return new Running(t, stop, stats, error);
    }

    long committed() throws Exception {
      try (Admin admin = Admin.create(cluster.clientProperties())) {
        OffsetAndMetadata o =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .get(new TopicPartition(findings, 0));
        return o == null ? 0 : o.offset();
      }
    }

    /** The ledger topic as compaction will keep it: the last value per key. */
    Map<String, JsonNode> ledger() throws Exception {
      Properties p = new Properties();
      p.putAll(cluster.clientProperties());
      p.put("isolation.level", "read_committed");
      p.put("key.deserializer", ByteArrayDeserializer.class.getName());
      p.put("value.deserializer", ByteArrayDeserializer.class.getName());
      Map<String, JsonNode> out = new HashMap<>();
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
        TopicPartition tp = new TopicPartition(ledgerTopic, 0);
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        long end = c.endOffsets(List.of(tp)).get(tp);
        while (c.position(tp) < end) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            out.put(
                new String(r.key(), StandardCharsets.UTF_8), Json.treeReader().readTree(r.value()));
          }
        }
      }
      return out;
    }

    @Override
    public void close() {
      producer.close();
      pd.close();
      slack.close();
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

    /** Waits for the simulated kill to end the run. */
    void died() throws InterruptedException {
      thread.join(60_000);
      assertThat(thread.isAlive()).as("the run was killed").isFalse();
      assertThat(error.get()).isInstanceOf(Killed.class);
    }
  }

  static final class Killed extends RuntimeException {
    Killed(String step) {
      super("killed " + step);
    }
  }

  /** Kills the run the first time {@code step} is reached (for the Slack receiver's steps). */
  static DeliveryHooks killAt(String step) {
    return killAt(step, false);
  }

  /** Kills the run the first time the Slack receiver reaches {@code step} sending a digest. */
  static DeliveryHooks killAtDigest(String step) {
    return killAt(step, true);
  }

  private static DeliveryHooks killAt(String step, boolean digestOnly) {
    return new DeliveryHooks() {
      boolean fired;

      void at(String here, String id, String receiver) {
        if (!fired
            && here.equals(step)
            && (receiver == null || receiver.equals("channel"))
            && (!digestOnly || (id != null && id.startsWith("digest-")))) {
          fired = true;
          throw new Killed(step);
        }
      }

      @Override
      public void beforeIntent(String id, String r) {
        at("before-intent", id, r);
      }

      @Override
      public void beforeSend(String id, String r) {
        at("before-send", id, r);
      }

      @Override
      public void afterSendBeforeLedger(String id, String r) {
        at("after-send", id, r);
      }

      @Override
      public void afterLedger(String id, String r) {
        at("after-ledger", id, r);
      }

      @Override
      public void beforeOffsetCommit() {
        at("before-offset", null, null);
      }
    };
  }

  @Test
  void theLedgerIsACompactedTopicReadBackAtStartAndOffsetsCommitWithIt() throws Exception {
    try (Setup s = new Setup("plain")) {
      s.send(KafkaAlertITCase.Findings.high("f-1"));
      Running first = s.start(DeliveryHooks.NONE);
      KafkaAlertITCase.await(
          () -> s.pd.triggers() >= 1 && s.slack.posted() >= 1, "the first deliveries");
      KafkaAlertITCase.await(() -> uncheckedCommitted(s) >= 1, "the offset");
      first.stop();

      try (Admin admin = Admin.create(cluster.clientProperties())) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, s.ledgerTopic);
        assertThat(
                admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy").value())
            .isEqualTo("compact");
      }
      Map<String, JsonNode> ledger = s.ledger();
      assertThat(ledger).containsOnlyKeys("f-1:oncall", "f-1:channel");
      JsonNode slackEntry = ledger.get("f-1:channel");
      assertThat(slackEntry.path("revision").asLong()).isEqualTo(1);
      assertThat(slackEntry.path("status").asText()).isEqualTo("OPEN");
      assertThat(slackEntry.path("severity").asText()).isEqualTo("HIGH");
      assertThat(slackEntry.path("ts").asText()).isEqualTo(s.slack.messages().get(0).ts);
      assertThat(slackEntry.path("intent").asBoolean(true)).isFalse();

      // a restart knows from the topic alone what was sent: the resolve updates, nothing repeats
      s.send(KafkaAlertITCase.Findings.resolved("f-1", 2));
      Running second = s.start(DeliveryHooks.NONE);
      KafkaAlertITCase.await(
          () -> s.pd.resolves() >= 1 && s.slack.updated() >= 1, "the resolve and the update");
      KafkaAlertITCase.await(() -> uncheckedCommitted(s) >= 2, "the second offset");
      second.stop();
      assertThat(s.pd.triggers()).isEqualTo(1);
      assertThat(s.slack.posted()).isEqualTo(1);
      assertThat(second.stats.findingsIn.get()).isEqualTo(1);
      assertThat(s.ledger().get("f-1:channel").path("status").asText()).isEqualTo("RESOLVED");
    }
  }

  @Test
  void killedAtEveryStepAndRestartedEachReceiverIsToldOnce() throws Exception {
    for (String step :
        List.of("before-intent", "before-send", "after-send", "after-ledger", "before-offset")) {
      try (Setup s = new Setup(step)) {
        Finding f = KafkaAlertITCase.Findings.high("f-" + step);
        s.send(f);
        Running killed = s.start(killAt(step));
        killed.died();
        assertThat(s.committed()).as("%s: offset not committed", step).isZero();

        Running again = s.start(DeliveryHooks.NONE);
        KafkaAlertITCase.await(() -> uncheckedCommitted(s) >= 1, step + ": the offset");
        again.stop();
        assertThat(s.slack.posted()).as("%s: Slack posts", step).isEqualTo(1);
        assertThat(s.slack.messages()).as(step).hasSize(1);
        assertThat(s.pd.alerts()).as(step).containsOnlyKeys(f.getFindingId());
        assertThat(s.pd.distinctTriggers()).as("%s: PagerDuty triggers", step).isEqualTo(1);
        assertThat(s.pd.repeatedTriggers()).as(step).isLessThanOrEqualTo(1);
        assertThat(again.stats.slackAdopted.get())
            .as("%s: the posted message found again", step)
            .isEqualTo(step.equals("after-send") ? 1 : 0);
        assertThat(s.ledger().get(f.getFindingId() + ":channel").path("intent").asBoolean(true))
            .as(step)
            .isFalse();
      }
    }
  }

  @Test
  void killedAfterSlackAcceptedADigestARestartFindsItFromTheTopicAndPostsNothing()
      throws Exception {
    try (Setup s = new Setup("digest", "digest: {window: 1s, max_per_receiver: 1}\n")) {
      List<String> members = List.of("d-2", "d-3");
      s.send(KafkaAlertITCase.Findings.high("d-1"));
      members.forEach(id -> s.send(KafkaAlertITCase.Findings.high(id)));
      Running killed = s.start(killAtDigest("after-send"));
      killed.died();
      assertThat(digests(s)).as("the digest posted before the kill").hasSize(1);
      for (String m : members) {
        JsonNode e = s.ledger().get(m + ":channel");
        assertThat(e.path("state").asText()).isEqualTo("DIGEST_PENDING");
        assertThat(e.path("pending").path("digest_id").asText()).startsWith("digest-");
      }

      Running again = s.start(DeliveryHooks.NONE);
      KafkaAlertITCase.await(
          () -> {
            Map<String, JsonNode> l = uncheckedLedger(s);
            return members.stream()
                    .allMatch(
                        m ->
                            l.containsKey(m + ":channel")
                                && l.containsKey(m + ":oncall")
                                && l.get(m + ":channel").path("state").asText().equals("DIGESTED")
                                && l.get(m + ":oncall").path("state").asText().equals("DIGESTED"))
                && uncheckedCommitted(s) >= 3;
          },
          "the digest settled in the ledger topic");
      again.stop();
      assertThat(digests(s)).as("Slack digests").hasSize(1);
      assertThat(s.slack.posted()).as("d-1 and the digest").isEqualTo(2);
      assertThat(again.stats.slackAdopted.get()).isEqualTo(1);
      assertThat(s.pd.alerts().keySet().stream().filter(k -> k.startsWith("leaverwatch-digest:")))
          .hasSize(1);
      for (String m : members) {
        assertThat(s.ledger().get(m + ":channel").path("intent").asBoolean(true)).isFalse();
      }
    }
  }

  static List<FakeSlack.Message> digests(Setup s) {
    return s.slack.messages().stream()
        .filter(
            m -> m.body.path("metadata").path("event_type").asText().equals("leaverwatch_digest"))
        .toList();
  }

  static Map<String, JsonNode> uncheckedLedger(Setup s) {
    try {
      return s.ledger();
    } catch (Exception e) {
      return Map.of();
    }
  }

  static long uncheckedCommitted(Setup s) {
    try {
      return s.committed();
    } catch (Exception e) {
      return -1;
    }
  }
}
