package io.leaverwatch.core.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
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
}
