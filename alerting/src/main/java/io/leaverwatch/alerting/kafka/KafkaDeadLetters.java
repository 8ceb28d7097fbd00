package io.leaverwatch.alerting.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.alerting.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Dead letters to the topic {@code leaverwatch.alerts.dlq}, each acknowledged before going on. */
public final class KafkaDeadLetters implements DeadLetters {
  public static final String DEFAULT_TOPIC = "leaverwatch.alerts.dlq";

  private final Producer<byte[], byte[]> producer;
  private final String topic;

  public KafkaDeadLetters(Properties base, String topic) {
    Properties p = new Properties();
    p.putAll(base);
    p.remove("group.id");
    p.remove("isolation.level");
    p.remove("enable.auto.commit");
    p.remove("auto.offset.reset");
    p.remove("max.poll.records");
    p.remove("key.deserializer");
    p.remove("value.deserializer");
    p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.setProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.setProperty(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    this.topic = topic;
  }

  @Override
  public void write(ObjectNode line) {
    byte[] key =
        line.hasNonNull("finding_id")
            ? line.get("finding_id").asText().getBytes(StandardCharsets.UTF_8)
            : null;
    try {
      producer
          .send(new ProducerRecord<>(topic, key, line.toString().getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing the alert DLQ", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write the alert DLQ topic " + topic, e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
