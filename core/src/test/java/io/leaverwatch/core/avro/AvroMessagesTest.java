package io.leaverwatch.core.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class AvroMessagesTest {
  @Test
  void aRecordWithTimestampsRoundTripsThroughTheGeneratedDecoder() throws Exception {
    Departure d =
        Departure.newBuilder()
            .setPersonId("p1")
            .setEmail("a@corp.example.com")
            .setRole("sre")
            .setNoticeAt(Instant.parse("2026-09-20T00:00:00Z"))
            .setDepartedAt(Instant.parse("2026-10-01T12:00:00Z"))
            .setStatus(DepartureStatus.DEPARTED)
            .build();

    byte[] bytes = AvroMessages.encode(d);

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(Departure.getDecoder().decode(ByteBuffer.wrap(bytes))).isEqualTo(d);
  }

  @Test
  void theReusableWriterWritesTheSameBytesRecordAfterRecordWhateverTheirSize() throws Exception {
    AvroMessages.Writer<Departure> writer = new AvroMessages.Writer<>(Departure.class);
    // Avro's own single-object encoder, the reference for the bytes
    BinaryMessageEncoder<Departure> avroEncoder =
        new BinaryMessageEncoder<>(
            SpecificData.getForClass(Departure.class), Departure.getClassSchema());
    for (int size : new int[] {10, 5_000, 2_000_000, 3}) {
      Departure d =
          Departure.newBuilder()
              .setPersonId("p" + size)
              .setEmail("a".repeat(size) + "@corp.example.com")
              .setRole("sre")
              .setDepartedAt(Instant.parse("2026-10-01T12:00:00Z"))
              .setStatus(DepartureStatus.DEPARTED)
              .build();

      byte[] bytes = writer.encode(d);

      assertThat(bytes).as("size %d", size).isEqualTo(avroEncoder.encode(d).array());
      assertThat(AvroMessages.encode(d)).isEqualTo(bytes);
      assertThat(Departure.getDecoder().decode(ByteBuffer.wrap(bytes))).isEqualTo(d);
    }
  }

  @Test
  void aRawRecordWrittenWithTheReleasedSchemaStillDecodes() throws Exception {
    org.apache.avro.Schema v1;
    try (var in =
        getClass().getClassLoader().getResourceAsStream("avro/compat/v1/RawAuditRecord.avsc")) {
      v1 = new org.apache.avro.Schema.Parser().parse(in);
    }
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
    old.put("source", "okta");
    old.put("received_at", 1_700_000_000_000L);
    old.put("origin", "https://acme.okta.com/api/v1/logs");
    old.put("cursor", "c1");
    old.put("payload", ByteBuffer.wrap("{\"uuid\":\"u1\"}".getBytes()));
    byte[] bytes =
        new BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), v1)
            .encode(old)
            .array();

    var decoded =
        AvroMessages.decoder(io.leaverwatch.schema.RawAuditRecord.class)
            .decode(ByteBuffer.wrap(bytes));

    assertThat(decoded.getOrigin()).isEqualTo("https://acme.okta.com/api/v1/logs");
    assertThat(decoded.getConnector()).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> io.leaverwatch.schema.RawAuditRecord.getDecoder().decode(ByteBuffer.wrap(bytes)))
        .as("the generated decoder alone knows only the current schema")
        .isInstanceOf(org.apache.avro.message.MissingSchemaException.class);
  }
}
