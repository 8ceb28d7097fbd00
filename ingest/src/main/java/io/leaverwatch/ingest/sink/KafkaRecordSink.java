package io.leaverwatch.ingest.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Publishes records with an idempotent, acks=all producer and waits for every acknowledgement
 * before {@link #send} returns. With a transactional producer ({@link #transactionalProducer}) each
 * batch is one Kafka transaction: read_committed consumers (the detection job, {@link #holds}) see
 * all of a batch or none of it, so a record refused on one partition cannot leave the others
 * delivered and the batch's last record proves the whole batch.
 */
public final class KafkaRecordSink<T> implements RecordSink<T> {
  private static final long TAIL_RECORDS = 5000;
  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Function<T, String> key;
  private final Function<T, byte[]> value;
  private final Supplier<Consumer<String, byte[]>> tailReader;
  private final boolean transactional;
  private boolean transactionsReady;

  public KafkaRecordSink(
      Producer<String, byte[]> producer,
      String topic,
      Function<T, String> key,
      Function<T, byte[]> value) {
    this(producer, topic, key, value, null);
  }

  /**
   * @param tailReader opens a consumer used only by {@link #holds}; null when the sink should not
   *     read back (then a stop between acknowledgement and cursor save repeats one page)
   */
  public KafkaRecordSink(
      Producer<String, byte[]> producer,
      String topic,
      Function<T, String> key,
      Function<T, byte[]> value,
      Supplier<Consumer<String, byte[]>> tailReader) {
    this.producer = producer;
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.tailReader = tailReader;
    this.transactional = false;
  }

  private KafkaRecordSink(
      Producer<String, byte[]> producer,
      String topic,
      Function<T, String> key,
      Function<T, byte[]> value,
      Supplier<Consumer<String, byte[]>> tailReader,
      boolean transactional) {
    this.producer = producer;
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.tailReader = tailReader;
    this.transactional = transactional;
  }

  /**
   * A sink that sends each batch as one transaction of {@code producer}, which must have been made
   * with a {@code transactional.id} ({@link #transactionalProducer}).
   */
  public static <T> KafkaRecordSink<T> transactional(
      Producer<String, byte[]> producer,
      String topic,
      Function<T, String> key,
      Function<T, byte[]> value,
      Supplier<Consumer<String, byte[]>> tailReader) {
    return new KafkaRecordSink<>(producer, topic, key, value, tailReader, true);
  }

  @Override
  public boolean lastRecordProvesBatch() {
    return transactional;
  }

  public static Consumer<String, byte[]> tailConsumer(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /**
   * Reads the end of the partition the record's key maps to (the default partitioner's murmur2
   * choice) and looks for the exact value.
   */
  @Override
  public Optional<Boolean> holds(T record) throws IOException {
    if (tailReader == null) {
      return Optional.empty();
    }
    String k = key.apply(record);
    byte[] v = value.apply(record);
    try {
      initTransactions();
      int partitions = producer.partitionsFor(topic).size();
      int partition =
          Utils.toPositive(Utils.murmur2(k.getBytes(StandardCharsets.UTF_8))) % partitions;
      TopicPartition tp = new TopicPartition(topic, partition);
      try (Consumer<String, byte[]> c = tailReader.get()) {
        c.assign(List.of(tp));
        long end = c.endOffsets(List.of(tp)).get(tp);
        long begin = c.beginningOffsets(List.of(tp)).get(tp);
        c.seek(tp, Math.max(begin, end - TAIL_RECORDS));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (c.position(tp) < end) {
          if (System.nanoTime() > deadline) {
            return Optional.empty();
          }
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
            if (k.equals(r.key()) && Arrays.equals(v, r.value())) {
              return Optional.of(true);
            }
          }
        }
        return Optional.of(false);
      }
    } catch (KafkaException e) {
      throw new IOException("cannot read back topic " + topic + ": " + e, e);
    }
  }

  public static Producer<String, byte[]> producer(String bootstrapServers, String clientId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /**
   * A transactional producer. {@code transactionalId} must be stable across restarts and owned by
   * one process (one per cursor): a restarted process then fences its predecessor and the broker
   * aborts whatever transaction the predecessor left open.
   */
  public static Producer<String, byte[]> transactionalProducer(
      String bootstrapServers, String clientId, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  @Override
  public void send(List<T> batch) throws IOException {
    if (transactional) {
      sendInTransaction(batch);
      return;
    }
    List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
    try {
      for (T r : batch) {
        acks.add(producer.send(new ProducerRecord<>(topic, key.apply(r), value.apply(r))));
      }
      producer.flush();
    } catch (KafkaException e) {
      throw new IOException("Kafka did not acknowledge a record for topic " + topic + ": " + e, e);
    }
    for (Future<RecordMetadata> f : acks) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for Kafka to acknowledge", e);
      } catch (ExecutionException e) {
        throw new IOException(
            "Kafka did not acknowledge a record for topic " + topic + ": " + e.getCause(), e);
      }
    }
  }

  private synchronized void sendInTransaction(List<T> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    try {
      initTransactions();
      producer.beginTransaction();
    } catch (ProducerFencedException | AuthorizationException e) {
      throw new IOException(
          "Kafka refused a transaction for topic " + topic + " (another process took over?): " + e,
          e);
    } catch (KafkaException e) {
      throw new IOException("cannot open a Kafka transaction for topic " + topic + ": " + e, e);
    }
    try {
      for (T r : batch) {
        producer.send(new ProducerRecord<>(topic, key.apply(r), value.apply(r)));
      }
      // Flushes, and throws if any record of the transaction was refused.
      producer.commitTransaction();
    } catch (ProducerFencedException e) {
      // A newer process with the same transactional id owns the topic now; nothing of this batch
      // was committed and this producer can do no more.
      throw new IOException("fenced by a newer ingest process for topic " + topic + ": " + e, e);
    } catch (KafkaException | IllegalStateException e) {
      abort(e);
      throw new IOException(
          "Kafka did not acknowledge a record for topic "
              + topic
              + "; the batch's transaction was aborted, none of it is delivered: "
              + e,
          e);
    }
  }

  /**
   * Registers the transactional id once, which also settles whatever transaction a killed
   * predecessor left open (the broker aborts it), so {@link #holds} looks at a settled topic.
   */
  private void initTransactions() {
    if (transactional && !transactionsReady) {
      producer.initTransactions();
      transactionsReady = true;
    }
  }

  private void abort(Exception cause) throws IOException {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      e.addSuppressed(cause);
      throw new IOException(
          "Kafka did not acknowledge a record for topic "
              + topic
              + " and the transaction could not be aborted (the broker aborts it on its timeout): "
              + e,
          e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
