package io.leaverwatch.ingest.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes records with an idempotent, acks=all producer and waits for every acknowledgement
 * before {@link #send} returns.
 */
public final class KafkaRecordSink<T> implements RecordSink<T> {
  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Function<T, String> key;
  private final Function<T, byte[]> value;

  public KafkaRecordSink(
      Producer<String, byte[]> producer,
      String topic,
      Function<T, String> key,
      Function<T, byte[]> value) {
    this.producer = producer;
    this.topic = topic;
    this.key = key;
    this.value = value;
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

  @Override
  public void send(List<T> batch) throws IOException {
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

  @Override
  public void close() {
    producer.close();
  }
}
