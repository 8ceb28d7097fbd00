package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AccessGrant;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The compacted IAM and HR topics keep records written under earlier, compatible schemas. */
class AvroValueDeserializerTest {
  @Test
  void anAccessSnapshotWrittenBeforeTheCompletenessMarkerStillDecodes() throws Exception {
    Schema v1;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("avro/compat/v1/AccessGrant.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    assertThat(v1.getField("complete")).as("v1 predates the marker").isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("identity", "alice-gh");
    old.put("system", "github");
    old.put("grant", "org_member:acme");
    old.put("observed_at", Instant.parse("2026-10-01T17:00:00Z").toEpochMilli());
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] value = new byte[bytes.remaining()];
    bytes.get(value);

    List<AccessGrant> out = new ArrayList<>();
    new AvroValueDeserializer<>(AccessGrant.class)
        .deserialize(
            new ConsumerRecord<>("iam.access-snapshots", 0, 7L, null, value),
            new Collector<>() {
              @Override
              public void collect(AccessGrant g) {
                out.add(g);
              }

              @Override
              public void close() {}
            });
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getGrant()).isEqualTo("org_member:acme");
    assertThat(out.get(0).getComplete()).isNull();
  }
}
