package io.leaverwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaRecordSinkTest {
  static RawAuditRecord record(String payload) {
    return RawAuditRecord.newBuilder()
        .setSource("okta")
        .setReceivedAt(Instant.parse("2026-03-02T10:00:00Z"))
        .setOrigin("https://acme.okta.com/api/v1/logs")
        .setCursor("c1")
        .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  static byte[] encode(RawAuditRecord r) {
    try {
      ByteBuffer b = RawAuditRecord.getEncoder().encode(r);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void valuesAreAvroSingleObjectEncodedRawRecords() throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    KafkaRecordSink<RawAuditRecord> sink =
        new KafkaRecordSink<>(
            producer, "audit.raw", r -> r.getSource() + ":x", KafkaRecordSinkTest::encode);
    sink.send(List.of(record("{\"uuid\":\"u1\"}"), record("{\"uuid\":\"u2\"}")));

    assertThat(producer.history()).hasSize(2);
    var first = producer.history().get(0);
    assertThat(first.topic()).isEqualTo("audit.raw");
    assertThat(first.key()).isEqualTo("okta:x");
    RawAuditRecord decoded = RawAuditRecord.getDecoder().decode(first.value());
    assertThat(StandardCharsets.UTF_8.decode(decoded.getPayload()).toString())
        .isEqualTo("{\"uuid\":\"u1\"}");
  }

  @Test
  void aRecordKafkaDidNotAcknowledgeFailsTheWholeBatch() {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    KafkaRecordSink<RawAuditRecord> sink =
        new KafkaRecordSink<>(producer, "audit.raw", r -> "k", KafkaRecordSinkTest::encode);
    producer.sendException = new org.apache.kafka.common.errors.NotEnoughReplicasException("isr");
    assertThatThrownBy(() -> sink.send(List.of(record("{}"))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not acknowledge");
  }

  @Test
  void aTransactionalSinkCommitsEachBatchAsOneTransaction() throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    KafkaRecordSink<RawAuditRecord> sink =
        KafkaRecordSink.transactional(
            producer, "audit.raw", r -> "k", KafkaRecordSinkTest::encode, null);
    sink.send(List.of(record("{\"uuid\":\"u1\"}"), record("{\"uuid\":\"u2\"}")));
    assertThat(producer.transactionCommitted()).isTrue();
    assertThat(producer.history()).hasSize(2);
    assertThat(sink.lastRecordProvesBatch()).isTrue();
  }

  @Test
  void aRefusedRecordAbortsTheWholeTransaction() {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    KafkaRecordSink<RawAuditRecord> sink =
        KafkaRecordSink.transactional(
            producer, "audit.raw", r -> "k", KafkaRecordSinkTest::encode, null);
    producer.commitTransactionException =
        new org.apache.kafka.common.errors.NotEnoughReplicasException("isr of partition 2");
    assertThatThrownBy(() -> sink.send(List.of(record("{}"), record("{\"a\":1}"))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("aborted, none of it is delivered");
    assertThat(producer.transactionAborted()).isTrue();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aPlainSinkDoesNotClaimItsLastRecordProvesTheBatch() {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    assertThat(
            new KafkaRecordSink<>(producer, "audit.raw", r -> "k", KafkaRecordSinkTest::encode)
                .lastRecordProvesBatch())
        .isFalse();
  }
}
