package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.read.RejectedRecords;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads audit.raw and never throws: garbage bytes, truncated Avro or Avro of an unknown schema
 * become a {@link RejectedRecords} record that the normaliser dead-letters with the reason, the
 * topic, partition and offset, and the original bytes. The job never stops for input.
 */
public final class RawRecordDeserializer
    implements KafkaRecordDeserializationSchema<RawAuditRecord> {
  /** Knows the released RawAuditRecord schemas too: records ingested before an upgrade decode. */
  private static final BinaryMessageDecoder<RawAuditRecord> DECODER =
      AvroMessages.decoder(RawAuditRecord.class);

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawAuditRecord> out) {
    String origin = "kafka:" + record.topic() + "/" + record.partition() + "@" + record.offset();
    byte[] value = record.value() == null ? new byte[0] : record.value();
    try {
      RawAuditRecord r = DECODER.decode(ByteBuffer.wrap(value));
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
          RejectedRecords.of(
              reason,
              record.topic(),
              record.partition() + "@" + record.offset(),
              value,
              Instant.ofEpochMilli(Math.max(0, record.timestamp()))));
    }
  }

  @Override
  public TypeInformation<RawAuditRecord> getProducedType() {
    return new AvroTypeInfo<>(RawAuditRecord.class);
  }
}
