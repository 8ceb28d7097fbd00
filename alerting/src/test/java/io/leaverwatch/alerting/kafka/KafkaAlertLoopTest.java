package io.leaverwatch.alerting.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.alerting.AlertStats;
import io.leaverwatch.alerting.DeliveryHooks;
import io.leaverwatch.alerting.Dispatcher;
import io.leaverwatch.alerting.ledger.Ledger;
import io.leaverwatch.alerting.render.FindingLinks;
import io.leaverwatch.alerting.routes.AlertRoutes;
import io.leaverwatch.alerting.routes.AlertRoutesLoader;
import io.leaverwatch.alerting.send.AlertSender;
import io.leaverwatch.alerting.send.Outcome;
import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop over Kafka's own in-memory consumer (kafka-clients' MockConsumer, a hand-written fake):
 * offsets move only past records whose deliveries are in the ledger, and undecodable records are
 * dead-lettered, never fatal.
 */
class KafkaAlertLoopTest {
  static final TopicPartition TP = new TopicPartition("leaverwatch.findings", 0);
  @TempDir Path tmp;

  /** A receiver that answers 429 until told otherwise. */
  static final class Gate implements AlertSender {
    boolean open;
    final List<String> sent = new ArrayList<>();

    @Override
    public Outcome send(String method, ObjectNode body) {
      if (!open) {
        return Outcome.rateLimited(Duration.ofSeconds(1), "429");
      }
      sent.add(body.path("dedup_key").asText());
      return Outcome.delivered(null, null);
    }
  }

  static Finding finding(String id) {
    Instant t = Instant.parse("2026-03-02T10:00:00Z");
    return Finding.newBuilder()
        .setFindingId(id)
        .setType(FindingType.POST_DEPARTURE_ACTIVITY)
        .setSeverity(Severity.HIGH)
        .setPersonId("p-1")
        .setFirstSeen(t)
        .setLastSeen(t)
        .setRuleId("r")
        .setSummary("s")
        .build();
  }

  @Test
  void offsetsCommitOnlyAfterTheLedgerHasTheDeliveryAndBadRecordsAreDeadLettered()
      throws Exception {
    Path routesFile = tmp.resolve("alerting.yaml");
    Files.writeString(
        routesFile,
        "receivers:\n  - name: oncall\n    pagerduty: {routing_key_env: K}\n"
            + "routes:\n  - receivers: [oncall]\n");
    AlertRoutes routes = AlertRoutesLoader.load(routesFile);
    Gate gate = new Gate();
    List<ObjectNode> dlq = new ArrayList<>();
    MockConsumer<byte[], byte[]> consumer =
        new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    Clock clock = Clock.fixed(Instant.parse("2026-03-02T12:00:00Z"), ZoneOffset.UTC);
    try (Ledger ledger = Ledger.open(tmp.resolve("state"))) {
      AlertStats stats = new AlertStats();
      Dispatcher d =
          new Dispatcher(
              routes,
              Map.of("oncall", gate),
              ledger,
              dlq::add,
              FindingLinks.NONE,
              clock,
              x -> {},
              DeliveryHooks.NONE,
              Dispatcher.Settings.streaming(),
              stats,
              null);
      KafkaAlertLoop loop = new KafkaAlertLoop(consumer, TP.topic(), d, dlq::add, stats, clock);
      consumer.assign(List.of(TP));
      consumer.updateBeginningOffsets(Map.of(TP, 0L));
      loop.handle(new ConsumerRecord<>(TP.topic(), 0, 0, null, AvroMessages.encode(finding("a"))));
      loop.handle(
          new ConsumerRecord<>(
              TP.topic(), 0, 1, null, "not avro".getBytes(StandardCharsets.UTF_8)));
      loop.handle(new ConsumerRecord<>(TP.topic(), 0, 2, null, AvroMessages.encode(finding("b"))));
      d.drain(false, clock.instant());
      loop.commit();
      // the receiver is rate limited: nothing delivered, the offset stays at the first record
      assertThat(consumer.committed(java.util.Set.of(TP)).get(TP).offset()).isZero();
      assertThat(dlq).hasSize(1);
      assertThat(dlq.get(0).path("reason").asText())
          .startsWith("leaverwatch.findings/0@1: not a Finding");

      gate.open = true;
      Clock later = Clock.offset(clock, Duration.ofSeconds(5));
      Dispatcher d2 =
          new Dispatcher(
              routes,
              Map.of("oncall", gate),
              ledger,
              dlq::add,
              FindingLinks.NONE,
              later,
              x -> {},
              DeliveryHooks.NONE,
              Dispatcher.Settings.streaming(),
              stats,
              null);
      KafkaAlertLoop loop2 = new KafkaAlertLoop(consumer, TP.topic(), d2, dlq::add, stats, later);
      // a restart reads from the committed offset 0: every record again
      loop2.handle(new ConsumerRecord<>(TP.topic(), 0, 0, null, AvroMessages.encode(finding("a"))));
      loop2.handle(new ConsumerRecord<>(TP.topic(), 0, 2, null, AvroMessages.encode(finding("b"))));
      d2.drain(false, later.instant());
      loop2.commit();
      assertThat(gate.sent).containsExactly("a", "b");
      assertThat(consumer.committed(java.util.Set.of(TP)).get(TP).offset()).isEqualTo(3);
    }
  }
}
