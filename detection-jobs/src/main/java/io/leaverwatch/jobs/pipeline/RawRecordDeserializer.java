package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads audit.raw and never throws: garbage bytes, truncated Avro or Avro of an unknown schema
 * become a record marked {@link #REJECTED_PREFIX} that the normaliser dead-letters with the reason,
 * the topic, partition and offset, and the original bytes. The job never stops for input.
 */
public final class RawRecordDeserializer
    implements KafkaRecordDeserializationSchema<RawAuditRecord> {
  /** {@code source} of a record that could not be decoded; the reason follows the prefix. */
  public static final String REJECTED_PREFIX =
      io.leaverwatch.jobs.NormalizeFunction.REJECTED_PREFIX;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawAuditRecord> out) {
    String origin = "kafka:" + record.topic() + "/" + record.partition() + "@" + record.offset();
    byte[] value = record.value() == null ? new byte[0] : record.value();
    try {
      RawAuditRecord r = RawAuditRecord.getDecoder().decode(ByteBuffer.wrap(value));
      if (r.getCursor() == null) {
        r.setCursor(origin);
      }
      out.collect(r);
    } catch (Exception | StackOverflowError e) {
      String reason =
          "undecodable record on "
              + origin
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage());
      out.collect(
          RawAuditRecord.newBuilder()
              .setSource(REJECTED_PREFIX + reason)
              .setReceivedAt(Instant.ofEpochMilli(Math.max(0, record.timestamp())))
              .setOrigin(record.topic())
              .setCursor(record.partition() + "@" + record.offset())
              .setPayload(ByteBuffer.wrap(value))
              .build());
    }
  }

  @Override
  public TypeInformation<RawAuditRecord> getProducedType() {
    return new AvroTypeInfo<>(RawAuditRecord.class);
  }
}
