package io.leaverwatch.alerting.kafka;

import io.leaverwatch.alerting.ledger.Ledger;
import io.leaverwatch.alerting.ledger.LedgerEntry;
import io.leaverwatch.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger as the compacted topic {@code leaverwatch.alerts} ({@code alert --config}): key {@code
 * finding_id:receiver}, value the ledger entry's JSON (revision, status, severity, state, Slack ts
 * and channel, the intent flag and what it meant to send, for a digest member the digest's id and
 * window). Values without the digest fields read as before. Written by a transactional producer:
 * {@link #sync} commits what was appended, and {@link #commit} commits it together with the
 * findings offsets ({@code sendOffsetsToTransaction}), so an offset never moves past a delivery the
 * topic does not have. Opening it fences an older dispatcher with the same transactional id, then
 * reads the topic back fully with {@code read_committed}.
 */
public final class KafkaLedgerStore implements Ledger.Store {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLedgerStore.class);

  public static final String DEFAULT_TOPIC = "leaverwatch.alerts";

  /** How long a just-created ledger topic may stay unknown to the node describing it. */
  static final Duration CONFIG_CHECK_DEADLINE = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;
  private final Properties base;
  private final String topic;
  private List<LedgerEntry> readBack;
  private boolean inTransaction;

  private KafkaLedgerStore(Properties base, String topic, String transactionalId) {
    this.base = base;
    this.topic = topic;
    Properties p = clientProperties(base);
    p.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.setProperty(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  /**
   * Creates the topic if it is missing ({@code cleanup.policy=compact}), fences any older
   * dispatcher of {@code transactionalId} (its open transaction is aborted) and reads the topic.
   *
   * @param base bootstrap servers and security settings (consumer settings are dropped)
   */
  public static KafkaLedgerStore open(Properties base, String topic, String transactionalId) {
    ensureCompactedTopic(base, topic);
    KafkaLedgerStore s = new KafkaLedgerStore(base, topic, transactionalId);
    try {
      s.producer.initTransactions();
      s.readBack = s.read();
    } catch (RuntimeException e) {
      s.producer.close(Duration.ZERO);
      throw e;
    }
    LOG.info("alert ledger: {} entries read back from {}", s.readBack.size(), topic);
    return s;
  }

  @Override
  public List<LedgerEntry> readAll() {
    return readBack;
  }

  public static byte[] key(LedgerEntry e) {
    return (e.findingId() + ":" + e.receiver()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void append(LedgerEntry e) {
    begin();
    producer.send(
        new ProducerRecord<>(topic, key(e), Ledger.toJson(e).getBytes(StandardCharsets.UTF_8)));
  }

  /** Commits what was appended: acknowledged by the broker when this returns. */
  @Override
  public void sync() {
    if (!inTransaction) {
      return;
    }
    finish();
  }

  /** Commits what was appended and the consumer offsets in one transaction. */
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    begin();
    try {
      producer.sendOffsetsToTransaction(offsets, group);
    } catch (ProducerFencedException e) {
      throw fenced(e);
    }
    finish();
  }

  private void begin() {
    if (inTransaction) {
      return;
    }
    try {
      producer.beginTransaction();
    } catch (ProducerFencedException e) {
      throw fenced(e);
    }
    inTransaction = true;
  }

  private void finish() {
    try {
      producer.commitTransaction();
      inTransaction = false;
    } catch (ProducerFencedException e) {
      throw fenced(e);
    } catch (KafkaException e) {
      // not committed: nothing of it counts, the dispatcher stops and a restart redoes it
      try {
        producer.abortTransaction();
      } catch (KafkaException ignored) {
        // the producer is unusable; the exception below stops the run
      }
      inTransaction = false;
      throw new IllegalStateException(
          "cannot commit to the alert ledger topic " + topic + ": " + e.getMessage(), e);
    }
  }

  private IllegalStateException fenced(ProducerFencedException e) {
    inTransaction = false;
    return new IllegalStateException(
        "another alert dispatcher took over the ledger "
            + topic
            + " (same transactional id); this one stops",
        e);
  }

  private List<LedgerEntry> read() {
    Properties p = clientProperties(base);
    p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.setProperty(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.setProperty(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<LedgerEntry> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      // with read_committed these are the last stable offsets: everything committed so far
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out reading the alert ledger topic " + topic);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            continue; // a tombstone
          }
          try {
            out.add(Ledger.fromJson(Json.treeReader().readTree(r.value())));
          } catch (Exception e) {
            throw new IllegalStateException(
                topic
                    + "/"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + ": not a ledger entry: "
                    + e.getMessage(),
                e);
          }
        }
      }
    }
    return out;
  }

  /** Creates the topic compacted, or checks an existing one is. */
  static void ensureCompactedTopic(Properties base, String topic) {
    Properties p = clientProperties(base);
    try (Admin admin = Admin.create(adminProperties(p))) {
      try {
        admin
            .createTopics(
                List.of(
                    new NewTopic(topic, 1, (short) -1)
                        .configs(
                            Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT))))
            .all()
            .get();
        LOG.info("created the alert ledger topic {} (cleanup.policy=compact)", topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create the alert ledger topic " + topic + ": " + describe(e.getCause()),
              e.getCause());
        }
      }
      Config c = describeWithRetry(admin, topic);
      String policy = c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
      if (!Set.of(policy.split(",")).contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new IllegalStateException(
            "the alert ledger topic "
                + topic
                + " has cleanup.policy="
                + policy
                + "; it must be compact, or deliveries are forgotten when it is cleaned");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot check the alert ledger topic " + topic + ": " + describe(e.getCause()),
          e.getCause());
    }
  }

  /**
   * Reads the topic's configuration. A topic created a moment ago may not yet be known to the node
   * that answers ({@code UnknownTopicOrPartitionException}, a retriable error): such errors are
   * retried for up to {@link #CONFIG_CHECK_DEADLINE}.
   */
  private static Config describeWithRetry(Admin admin, String topic)
      throws InterruptedException, ExecutionException {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    long deadline = System.nanoTime() + CONFIG_CHECK_DEADLINE.toNanos();
    long pauseMs = 50;
    while (true) {
      try {
        return admin.describeConfigs(List.of(r)).all().get().get(r);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        LOG.debug("the alert ledger topic {} is not described yet: {}", topic, describe(e));
        Thread.sleep(pauseMs); // back-off between retries, not synchronisation
        pauseMs = Math.min(pauseMs * 2, 1_000);
      }
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** Bootstrap and security only: what the consumer, producer and admin clients share. */
  static Properties clientProperties(Properties base) {
    Set<String> consumerOnly =
        Set.of(
            ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    Properties p = new Properties();
    base.forEach(
        (k, v) -> {
          if (!consumerOnly.contains(String.valueOf(k))) {
            p.put(k, v);
          }
        });
    return p;
  }

  private static Properties adminProperties(Properties p) {
    Set<String> known = AdminClientConfig.configNames();
    Properties a = new Properties();
    p.forEach(
        (k, v) -> {
          if (known.contains(String.valueOf(k))) {
            a.put(k, v);
          }
        });
    return a;
  }

  /**
   * A graceful stop has committed everything ({@code KafkaAlertLoop} commits before it returns);
   * after a failure what is still open is aborted, as a kill would leave it.
   */
  @Override
  public void close() {
    try {
      if (inTransaction) {
        producer.abortTransaction();
      }
    } catch (KafkaException e) {
      LOG.warn("alert ledger: could not abort the open transaction: {}", e.getMessage());
    } finally {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
