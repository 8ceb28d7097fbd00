package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.core.avro.AvroMessages;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted HR and IAM topics. A record that does not decode is logged with its position
 * and counted, never fatal; a tombstone (null value) is skipped.
 */
public final class AvroValueDeserializer<T extends SpecificRecordBase>
    implements KafkaRecordDeserializationSchema<T> {
  private static final Logger LOG = LoggerFactory.getLogger(AvroValueDeserializer.class);

  private final Class<T> type;
  private transient BinaryMessageDecoder<T> decoder;

  public AvroValueDeserializer(Class<T> type) {
    this.type = type;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
    if (record.value() == null) {
      return;
    }
    try {
      if (decoder == null) {
        // every released schema too: a record written before a compatible evolution (an access
        // snapshot from before AccessGrant.complete) still decodes
        decoder = AvroMessages.decoder(type);
      }
      out.collect(decoder.decode(ByteBuffer.wrap(record.value())));
    } catch (Exception e) {
      LOG.warn(
          "skipping undecodable {} on {}/{}@{}: {}",
          type.getSimpleName(),
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return new AvroTypeInfo<>(type);
  }
}
