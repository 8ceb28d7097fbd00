package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.core.avro.AvroMessages;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Values of the job's Kafka sinks: Avro single-object encoding through one reusable writer per sink
 * task (each task deserialises its own copy of this schema, so the writer is never shared).
 */
final class AvroRecordSerializer<T extends SpecificRecord>
    implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final String topic;
  private final SerializableFunction<T, byte[]> key;
  private final boolean withTimestamp;
  private transient AvroMessages.Writer<T> writer;

  AvroRecordSerializer(
      Class<T> type, String topic, SerializableFunction<T, byte[]> key, boolean withTimestamp) {
    this.type = type;
    this.topic = topic;
    this.key = key;
    this.withTimestamp = withTimestamp;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    if (writer == null) {
      writer = new AvroMessages.Writer<>(type);
    }
    return new ProducerRecord<>(
        topic, null, withTimestamp ? timestamp : null, key.apply(element), writer.encode(element));
  }
}
