package io.leaverwatch.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far a topic has been written, for the demo's progress line and the benchmarks' counts.
 * Through a plain consumer, not the admin client: its listOffsets allocated tens of MB per call,
 * enough to make the garbage collector of a measured JVM a bench artefact.
 */
public final class TopicOffsets {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
}
