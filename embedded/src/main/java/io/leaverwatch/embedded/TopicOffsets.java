package io.leaverwatch.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far a topic has been written, for the demo's progress line and the benchmarks' counts, and
 * how far a consumer group has read it. The counts go through a plain consumer, not the admin
 * client: its listOffsets allocated tens of MB per call, enough to make the garbage collector of a
 * measured JVM a bench artefact (the wait for a group calls it once, before it polls).
 */
public final class TopicOffsets {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(200);

  /** A check made at every poll of a wait, e.g. that the job is still running; throws to stop. */
  @FunctionalInterface
  public interface WhileWaiting {
    void check() throws Exception;
  }

  private TopicOffsets() {}

  /** A consumer without a group that only reads offsets; the caller closes it. */
  public static KafkaConsumer<byte[], byte[]> reader(String bootstrap, IsolationLevel isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /**
   * The end offsets of every partition of {@code topic}, summed, as {@code consumer}'s isolation
   * level sees them (read_committed: up to the last stable offset, an open transaction uncounted).
   */
  public static long endOffsets(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> parts = new ArrayList<>();
    consumer
        .partitionsFor(topic, TIMEOUT)
        .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
    return consumer.endOffsets(parts, TIMEOUT).values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Polls {@code group}'s committed offsets until they reach the end (as of the call) of every
   * partition of {@code topics}; an empty partition counts as read. The job commits on checkpoints,
   * so this is "read and checkpointed".
   *
   * @throws IllegalStateException when the group has not got there {@code within}
   */
  public static void awaitConsumed(
      EmbeddedKafka kafka, String group, List<String> topics, Duration within) throws Exception {
    awaitConsumed(kafka, group, topics, within, () -> {});
  }

  /** As above, making {@code check} at every poll. */
  public static void awaitConsumed(
      EmbeddedKafka kafka, String group, List<String> topics, Duration within, WhileWaiting check)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              ends.put(
                                  new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> end = new HashMap<>();
      admin
          .listOffsets(ends)
          .all()
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .forEach((tp, info) -> end.put(tp, info.offset()));
      while (System.nanoTime() < deadline) {
        check.check();
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        boolean done =
            end.entrySet().stream()
                .allMatch(
                    e ->
                        e.getValue() == 0
                            || (committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue()));
        if (done) {
          return;
        }
        Thread.sleep(POLL.toMillis());
      }
    }
    throw new IllegalStateException(
        "group " + group + " did not consume " + topics + " within " + within.toSeconds() + " s");
  }
}
