package io.leaverwatch.alerting.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.alerting.AlertStats;
import io.leaverwatch.alerting.DeadLetters;
import io.leaverwatch.alerting.DeliveryHooks;
import io.leaverwatch.alerting.Dispatcher;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.Finding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code leaverwatch alert --config}: consumes {@code leaverwatch.findings} with {@code
 * read_committed} (findings of aborted job transactions are never seen), hands each to the
 * dispatcher and commits an offset only when every record below it has its deliveries in the
 * ledger. Killed anywhere, a restart re-reads at most the records whose delivery was not recorded,
 * and the ledger turns those it had already recorded into no-ops. With the ledger on its topic
 * ({@link KafkaLedgerStore}) the offsets go into the ledger producer's transaction ({@code
 * sendOffsetsToTransaction}), committed with the ledger records not yet committed; with the file
 * ledger they are committed by the consumer after the file is forced to disk.
 */
public final class KafkaAlertLoop {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertLoop.class);

  /** Stop reading while this many records wait for delivery (a receiver is down). */
  static final int MAX_IN_FLIGHT = 2000;

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Dispatcher dispatcher;
  private final DeadLetters dlq;
  private final AlertStats stats;
  private final Clock clock;
  private final OffsetTracker tracker = new OffsetTracker();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private KafkaLedgerStore transactionalLedger;
  private DeliveryHooks hooks = DeliveryHooks.NONE;
  private boolean failed;

  public KafkaAlertLoop(
      Consumer<byte[], byte[]> consumer,
      String topic,
      Dispatcher dispatcher,
      DeadLetters dlq,
      AlertStats stats,
      Clock clock) {
    this.consumer = consumer;
    this.topic = topic;
    this.dispatcher = dispatcher;
    this.dlq = dlq;
    this.stats = stats;
    this.clock = clock;
  }

  /** Offsets commit in the transactions of this ledger store instead of the consumer's. */
  public KafkaAlertLoop committingThrough(KafkaLedgerStore store) {
    this.transactionalLedger = store;
    return this;
  }

  /** Test-only crash injection ({@link DeliveryHooks#beforeOffsetCommit}). */
  public KafkaAlertLoop withHooks(DeliveryHooks hooks) {
    this.hooks = hooks;
    return this;
  }

  /** Consumer settings: read_committed, manual commits, bytes in (decoded here). */
  public static Properties consumerProperties(
      String bootstrapServers, String groupId, Properties security) {
    Properties p = new Properties();
    p.putAll(security);
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    p.setProperty(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.setProperty(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  public static Consumer<byte[], byte[]> consumer(Properties props) {
    return new KafkaConsumer<>(props);
  }

  /** Runs until {@code stop} is set (Ctrl-C), then commits what is safe and returns. */
  public void run(AtomicBoolean stop) throws InterruptedException {
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!failed) {
              commit(); // not after a failure: its state is suspect, the ledger decides again
            }
            partitions.forEach(tracker::forget);
            partitions.forEach(committed::remove);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
    try {
      loop(stop);
    } catch (RuntimeException | Error e) {
      failed = true;
      throw e;
    }
  }

  private void loop(AtomicBoolean stop) throws InterruptedException {
    boolean paused = false;
    while (!stop.get()) {
      Instant now = clock.instant();
      Instant due = dispatcher.nextDue();
      long waitMs =
          due == null ? 500 : Math.max(0, Math.min(500, Duration.between(now, due).toMillis()));
      ConsumerRecords<byte[], byte[]> records =
          consumer.poll(Duration.ofMillis(Math.max(1, waitMs)));
      for (ConsumerRecord<byte[], byte[]> r : records) {
        handle(r);
      }
      dispatcher.drain(false, clock.instant());
      commit();
      if (!paused && tracker.inFlight() > MAX_IN_FLIGHT) {
        consumer.pause(consumer.assignment());
        paused = true;
        LOG.warn("{} findings wait for delivery; reading paused", tracker.inFlight());
      } else if (paused && tracker.inFlight() < MAX_IN_FLIGHT / 2) {
        consumer.resume(consumer.paused());
        paused = false;
      }
    }
    commit();
  }

  void handle(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    long offset = r.offset();
    tracker.started(tp, offset);
    Finding f;
    try {
      f = Finding.getDecoder().decode(r.value());
    } catch (Exception e) {
      ObjectNode dl = Json.mapper().createObjectNode();
      dl.put("at", clock.instant().toString());
      dl.put("action", "READ");
      dl.put(
          "reason",
          r.topic()
              + "/"
              + r.partition()
              + "@"
              + offset
              + ": not a Finding: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
      dl.put("raw_base64", r.value() == null ? "" : Base64.getEncoder().encodeToString(r.value()));
      dlq.write(dl);
      stats.badInput.incrementAndGet();
      tracker.done(tp, offset);
      return;
    }
    dispatcher.offer(f, () -> tracker.done(tp, offset));
  }

  /** Commits, per partition, the offset below which every delivery is in the ledger. */
  void commit() {
    if (transactionalLedger == null) {
      dispatcher.sync();
    }
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    tracker
        .committable()
        .forEach(
            (tp, off) -> {
              if (!off.equals(committed.get(tp))) {
                out.put(tp, new OffsetAndMetadata(off));
              }
            });
    if (out.isEmpty()) {
      dispatcher.sync();
      return;
    }
    hooks.beforeOffsetCommit();
    if (transactionalLedger != null) {
      transactionalLedger.commit(out, consumer.groupMetadata());
    } else {
      consumer.commitSync(out);
    }
    out.forEach((tp, om) -> committed.put(tp, om.offset()));
  }
}
