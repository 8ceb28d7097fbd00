package io.leaverwatch.ingest.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.core.read.RejectedRecords;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePublisherTest {
  /** Small, so that a few hundred KB already need splitting and the tests stay fast. */
  static final int LIMIT = 64 * 1024;

  @TempDir Path dir;

  final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  FilePublisher publisher() {
    return new FilePublisher(producer, FilePublisher.Topics.defaults(), LIMIT);
  }

  @Test
  void aLargeCloudTrailFileIsPublishedAsOrderedPartsEachUnderTheLimit() throws IOException {
    List<String> records = new ArrayList<>();
    int size = 0;
    for (int i = 0; size < 3 * 1024 * 1024; i++) {
      String r = cloudTrailRecord("ev-" + i, 600 + (i * 37) % 900);
      records.add(r);
      size += r.length();
    }
    // as CloudTrail delivers it: gzip, one document spread over lines
    Path file = dir.resolve("111122223333_CloudTrail_us-east-1_20260301T0005Z_a.json.gz");
    writeGzip(file, "{\"Records\":[\n" + String.join(",\n", records) + "\n]}\n");

    List<Long> progress = new ArrayList<>();
    FilePublisher.Published published = publisher().publishEvents(List.of(file), progress::add);

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertThat(sent).hasSizeGreaterThan(3 * 1024 * 1024 / LIMIT);
    assertThat(published.events()).isEqualTo(sent.size());
    assertThat(published.split()).isEqualTo(1);
    assertThat(published.parts()).isEqualTo(sent.size());
    assertThat(published.oversized()).isZero();
    assertThat(progress).last().isEqualTo((long) sent.size());

    List<String> ids = new ArrayList<>();
    StringBuilder inner = new StringBuilder();
    for (int i = 0; i < sent.size(); i++) {
      ProducerRecord<String, byte[]> m = sent.get(i);
      assertThat(m.topic()).isEqualTo("audit.raw");
      assertThat(m.value().length).isLessThanOrEqualTo(LIMIT);
      RawAuditRecord r = decode(m.value());
      assertThat(RejectedRecords.reasonOf(r)).isNull();
      assertThat(r.getOrigin()).isEqualTo(file.toString());
      assertThat(r.getCursor()).isEqualTo("doc/part-" + (i + 1));
      assertThat(m.key()).isEqualTo(file + "#doc/part-" + (i + 1));
      if (i < sent.size() - 1) {
        // packed, not one record per message
        assertThat(m.value().length).isGreaterThan(LIMIT / 2);
      }
      String payload = payloadOf(r);
      assertThat(payload).startsWith("{\"Records\":[").endsWith("]}");
      JsonNode doc = Json.mapper().readTree(payload);
      assertThat(doc.size()).isEqualTo(1);
      doc.get("Records").forEach(e -> ids.add(e.get("eventID").textValue()));
      inner.append(i == 0 ? "" : ",").append(payload, 12, payload.length() - 2);
    }
    assertThat(sent.stream().map(ProducerRecord::key).distinct()).hasSize(sent.size());
    assertThat(ids)
        .containsExactlyElementsOf(records.stream().map(FilePublisherTest::eventId).toList());
    // each record's bytes are carried exactly as they were in the file
    assertThat(inner.toString()).isEqualTo(String.join(",", records));
  }

  @Test
  void aFileUnderTheLimitIsStillOneMessageWithItsBytesUntouched() throws IOException {
    Path file = dir.resolve("small.json");
    String text =
        "{\n  \"Records\": [\n    "
            + cloudTrailRecord("ev-1", 200)
            + ",\n    "
            + cloudTrailRecord("ev-2", 200)
            + "\n  ]\n}\n";
    Files.writeString(file, text);

    FilePublisher.Published published = publisher().publishEvents(List.of(file), null);

    assertThat(producer.history()).hasSize(1);
    ProducerRecord<String, byte[]> m = producer.history().get(0);
    assertThat(m.key()).isEqualTo(file + "#doc");
    RawAuditRecord r = decode(m.value());
    assertThat(r.getCursor()).isEqualTo("doc");
    assertThat(r.getSource()).isNull();
    assertThat(bytesOf(r)).isEqualTo(Files.readAllBytes(file));
    assertThat(published)
        .isEqualTo(new FilePublisher.Published(1, 0, 0, 0, 0, 0, 0))
        .isEqualTo(new FilePublisher.Published(1, 0, 0, 0, 0));
  }

  @Test
  void recordsThatCannotBeSplitAreRejectedWithTheirReasonAndPublishingGoesOn() throws IOException {
    // one huge JSON line that is not a Records document, then an ordinary line
    String huge = "{\"uuid\":\"big\",\"blob\":\"" + "x".repeat(100_000) + "\"}";
    Files.writeString(dir.resolve("a.ndjson"), huge + "\n{\"uuid\":\"next\"}\n");
    // a Records document whose second record alone is over the limit
    String small1 = cloudTrailRecord("ev-1", 100);
    String big = cloudTrailRecord("ev-big", 80_000);
    String small2 = cloudTrailRecord("ev-3", 100);
    Files.writeString(
        dir.resolve("b.json"), "{\"Records\":[\n" + small1 + ",\n" + big + ",\n" + small2 + "\n]}");
    // a line that is not JSON at all
    String text = "not json ".repeat(10_000);
    Files.writeString(dir.resolve("c.log"), text + "\n");
    Files.writeString(dir.resolve("d.json"), "{\n\"Records\":[" + small1 + "]}\n");

    FilePublisher.Published published = publisher().publishEvents(List.of(dir), null);

    List<RawAuditRecord> sent = producer.history().stream().map(m -> decode(m.value())).toList();
    producer.history().forEach(m -> assertThat(m.value().length).isLessThanOrEqualTo(LIMIT));
    assertThat(sent)
        .extracting(RawAuditRecord::getCursor)
        .containsExactly(
            "line 1", "line 2", "doc/part-1", "doc/part-2", "doc/part-3", "line 1", "doc");

    RawAuditRecord a1 = sent.get(0);
    assertThat(a1.getOrigin()).isEqualTo(dir.resolve("a.ndjson").toString());
    assertThat(RejectedRecords.reasonOf(a1))
        .startsWith("record of ")
        .contains("exceeds the 65536-byte message limit and cannot be split")
        .contains("not a CloudTrail {\"Records\":[...]} document")
        .endsWith("only its first 4096 bytes are kept");
    assertThat(bytesOf(a1)).isEqualTo(head(huge));
    assertThat(payloadOf(sent.get(1))).isEqualTo("{\"uuid\":\"next\"}");
    assertThat(RejectedRecords.reasonOf(sent.get(1))).isNull();

    assertThat(payloadOf(sent.get(2))).isEqualTo("{\"Records\":[" + small1 + "]}");
    RawAuditRecord b2 = sent.get(3);
    assertThat(b2.getOrigin()).isEqualTo(dir.resolve("b.json").toString());
    assertThat(RejectedRecords.reasonOf(b2))
        .isEqualTo(
            "CloudTrail record Records[1] of "
                + big.getBytes(StandardCharsets.UTF_8).length
                + " bytes is too large for the 65536-byte message limit even alone and cannot be"
                + " split; only its first 4096 bytes are kept");
    assertThat(bytesOf(b2)).isEqualTo(head(big));
    assertThat(payloadOf(sent.get(4))).isEqualTo("{\"Records\":[" + small2 + "]}");

    assertThat(RejectedRecords.reasonOf(sent.get(5)))
        .contains("exceeds the 65536-byte message limit and cannot be split (not valid JSON: ");
    assertThat(bytesOf(sent.get(5))).isEqualTo(head(text));
    assertThat(payloadOf(sent.get(6))).isEqualTo("{\n\"Records\":[" + small1 + "]}\n");

    assertThat(published).isEqualTo(new FilePublisher.Published(7, 3, 0, 0, 0, 1, 3));
  }

  @Test
  void theLimitDefaultsUnderKafkasOneMebibyteAndMustLeaveRoomForARejection() {
    assertThat(new FilePublisher(producer, FilePublisher.Topics.defaults()).maxMessageBytes())
        .isEqualTo(900 * 1024);
    assertThatThrownBy(() -> new FilePublisher(producer, FilePublisher.Topics.defaults(), 1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1000 bytes")
        .hasMessageContaining("16384");
  }

  /** A CloudTrail record of about {@code padding} bytes more than its fixed fields. */
  static String cloudTrailRecord(String eventId, int padding) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"al"
        + "ice\"},\"eventTime\":\"2026-03-01T00:01:02Z\",\"eventSource\":\"s3.amazonaws.com\","
        + "\"eventName\":\"GetObject\",\"userAgent\":\"aws-cli/2 \\\"quoted\\\" \u00e9\u2713\","
        + "\"requestParameters\":{\"bucketName\":\"b\",\"key\":\""
        + "k".repeat(padding)
        + "\",\"sizes\":[1,2.50,-3e2]},\"eventID\":\""
        + eventId
        + "\"}";
  }

  static String eventId(String record) {
    try {
      return Json.mapper().readTree(record).get("eventID").textValue();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] head(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(b, Math.min(b.length, RecordReader.OVERSIZED_HEAD_BYTES));
  }

  static void writeGzip(Path file, String text) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static RawAuditRecord decode(byte[] value) {
    try {
      return RawAuditRecord.getDecoder().decode(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytesOf(RawAuditRecord r) {
    ByteBuffer b = r.getPayload().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static String payloadOf(RawAuditRecord r) {
    return new String(bytesOf(r), StandardCharsets.UTF_8);
  }
}
