package io.leaverwatch.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.ingest.FakeClock;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.InMemorySink;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.IngestLoop;
import io.leaverwatch.ingest.IngestStatus;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

class S3LogFileSourceTest {
  static final String US = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/";
  static final String ORG = "AWSLogs/o-abc123def4/444455556666/CloudTrail/eu-west-1/2026/03/01/";

  @TempDir Path state;
  final FakeClock clock = new FakeClock(Instant.parse("2026-03-02T10:00:00Z"));
  final List<String> logLines = new CopyOnWriteArrayList<>();
  FakeS3 s3;
  FakeHttpServer server;
  S3Client client;
  final List<String> served = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    s3 = new FakeS3("trail-bucket", 2);
    server = new FakeHttpServer(clock, s3);
    client = AwsTestClients.s3(server.baseUrl());
    putTrailFile(
        US + "111122223333_CloudTrail_us-east-1_20260301T0005Z_a.json.gz", "u1", "u2", "u3");
    putTrailFile(US + "111122223333_CloudTrail_us-east-1_20260301T0010Z_b.json.gz", "u4");
    putTrailFile(ORG + "444455556666_CloudTrail_eu-west-1_20260301T0005Z_c.json.gz", "o1", "o2");
    s3.put(
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/01/digest.json.gz",
        FakeS3.gzip("{\"awsAccountId\":\"111122223333\",\"logFiles\":[]}"));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** A delivered log file: {"Records":[...]} with each record written as CloudTrail does. */
  void putTrailFile(String key, String... ids) throws IOException {
    StringBuilder b = new StringBuilder("{\"Records\":[");
    for (int i = 0; i < ids.length; i++) {
      String rec =
          "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\"},"
              + "\"eventTime\":\"2026-03-01T00:0"
              + i
              + ":00Z\",\"eventSource\":\"dynamodb.amazonaws.com\",\"eventName\":\"PutItem\","
              + "\"eventID\":\""
              + ids[i]
              + "\",\"eventCategory\":\"Data\",\"managementEvent\":false}";
      served.add(rec);
      b.append(i > 0 ? "," : "").append(rec);
    }
    s3.put(key, FakeS3.gzip(b.append("]}").toString()));
  }

  IngestLoop loop(InMemorySink<RawAuditRecord> sink, String source) throws IOException {
    return loop(sink, source, S3LogFileSource.DEFAULT_MAX_OBJECT_BYTES);
  }

  IngestLoop loop(InMemorySink<RawAuditRecord> sink, String source, long maxObjectBytes)
      throws IOException {
    IngestLog log = new IngestLog("s3").addListener(logLines::add);
    return new IngestLoop(
        new S3LogFileSource(
            client,
            "trail-bucket",
            "AWSLogs/",
            source,
            log,
            clock,
            S3LogFileSource.DEFAULT_LOOKBACK,
            S3LogFileSource.DEFAULT_LOOKBACK_KEYS,
            maxObjectBytes),
        sink,
        new CursorStore(state),
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("s3", clock));
  }

  static List<String> payloads(List<RawAuditRecord> rs) {
    return rs.stream()
        .map(r -> StandardCharsets.UTF_8.decode(r.getPayload().duplicate()).toString())
        .toList();
  }

  @Test
  void everyRecordOfEveryTrailFileOnceIncludingOrganisationTrails() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    assertThat(loop(sink, "cloudtrail").runOnce()).isEqualTo(6);
    assertThat(payloads(sink.records)).containsExactlyInAnyOrderElementsOf(served);
    assertThat(s3.gets).noneSatisfy(k -> assertThat(k).contains("Digest"));
    assertThat(sink.records.get(0).getOrigin()).startsWith("s3://trail-bucket/AWSLogs/");

    assertThat(loop(sink, "cloudtrail").runOnce()).isZero();
  }

  @Test
  void newFilesInAnyFolderArePickedUpAfterTheLastKeyOfThatFolder() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, "cloudtrail").runOnce();
    // The org-trail folder sorts before the us-east-1 one's last key: a single StartAfter would
    // miss it.
    putTrailFile(ORG + "444455556666_CloudTrail_eu-west-1_20260301T0100Z_d.json.gz", "o3");
    putTrailFile(
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/111122223333_CloudTrail_us-east-1_20260302T0000Z_e.json.gz",
        "u5");
    assertThat(loop(sink, "cloudtrail").runOnce()).isEqualTo(2);
    assertThat(payloads(sink.records)).containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void aCrashMidRunThenARestartDeliversEachRecordOnce() throws Exception {
    List<RawAuditRecord> delivered = new ArrayList<>();
    assertThatThrownBy(() -> loop(new InMemorySink<>(delivered, 3), "cloudtrail").runOnce())
        .isInstanceOf(IOException.class);
    loop(new InMemorySink<>(delivered, Integer.MAX_VALUE), "cloudtrail").runOnce();
    assertThat(payloads(delivered))
        .containsExactlyInAnyOrderElementsOf(served)
        .doesNotHaveDuplicates();
  }

  @Test
  void anUnreadableFileIsKeptWholeWithItsReasonNotDropped() throws Exception {
    s3.put(
        US + "111122223333_CloudTrail_us-east-1_20260301T0020Z_z.json.gz",
        FakeS3.gzip("{\"Records\":[{\"eventID\":\"x\" \"eventName\":1}]}"));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, "cloudtrail").runOnce();
    assertThat(sink.records).hasSize(7);
    assertThat(logLines)
        .anySatisfy(l -> assertThat(l).contains("kept", "_z.json.gz", "whole", "not valid JSON"));
  }

  @Test
  void gitHubStreamedAuditLogFilesAreSplitIntoLines() throws Exception {
    s3.objects.clear();
    served.clear();
    String a =
        "{\"@timestamp\":1606929874512,\"action\":\"org.remove_member\",\"_document_id\":\"d1\",\"actor\":\"octocat\"}";
    String b =
        "{\"@timestamp\":1606929874999,\"action\":\"repo.destroy\",\"_document_id\":\"d2\",\"actor\":\"octocat\"}";
    s3.put("AWSLogs/github/2026/03/01/00/audit-1.json.log.gz", FakeS3.gzip(a + "\n" + b + "\n"));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, "github").runOnce();
    assertThat(payloads(sink.records)).containsExactly(a, b);
    assertThat(sink.records).allSatisfy(r -> assertThat(r.getSource()).isEqualTo("github"));
  }

  @Test
  void aGzipBombBecomesARejectedRecordAndTheNextKeysAreStillRead() throws Exception {
    // 8 MiB of zeros gzip to a few KiB: over a 1 MiB cap once decompressed.
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.GZIPOutputStream(b)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 8; i++) {
        z.write(zeros);
      }
    }
    assertThat(b.size()).isLessThan(64 * 1024);
    s3.put(US + "111122223333_CloudTrail_us-east-1_20260301T0007Z_bomb.json.gz", b.toByteArray());
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();

    assertThat(loop(sink, "cloudtrail", 1 << 20).runOnce()).isEqualTo(7);

    assertThat(sink.records)
        .filteredOn(r -> io.leaverwatch.core.read.RejectedRecords.reasonOf(r) != null)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(io.leaverwatch.core.read.RejectedRecords.reasonOf(r))
                  .contains("decompresses to more than 1048576 bytes", "max_object_bytes");
              assertThat(r.getOrigin()).endsWith("_bomb.json.gz");
              assertThat(r.getPayload().remaining()).isEqualTo(4096);
            });
    // Every real record still arrived, the bomb is not read again on the next pass.
    assertThat(payloads(sink.records)).containsAll(served);
    int gets = s3.gets.size();
    assertThat(loop(sink, "cloudtrail", 1 << 20).runOnce()).isZero();
    assertThat(s3.gets).hasSize(gets);
  }

  @Test
  void aLateFileUnderAKeyBeforeTheLastOneReadIsStillPickedUp() throws Exception {
    s3.objects.clear();
    served.clear();
    s3.nextModified = clock.instant().minusSeconds(600);
    putTrailFile(US + "111122223333_CloudTrail_us-east-1_20260302T0945Z_a.json.gz", "u1");
    putTrailFile(US + "111122223333_CloudTrail_us-east-1_20260302T0955Z_b.json.gz", "u2");
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    assertThat(loop(sink, "cloudtrail").runOnce()).isEqualTo(2);

    // Delivered 12 minutes late: its key sorts before the last key read.
    clock.advance(java.time.Duration.ofMinutes(12));
    s3.nextModified = clock.instant();
    putTrailFile(US + "111122223333_CloudTrail_us-east-1_20260302T0950Z_late.json.gz", "u3");
    assertThat(loop(sink, "cloudtrail").runOnce()).isEqualTo(1);
    assertThat(payloads(sink.records))
        .containsExactlyInAnyOrderElementsOf(served)
        .doesNotHaveDuplicates();

    // Once the window has passed, the kept keys are let go: the state stays bounded.
    clock.advance(java.time.Duration.ofHours(2));
    putTrailFile(US + "111122223333_CloudTrail_us-east-1_20260302T1200Z_c.json.gz", "u4");
    assertThat(loop(sink, "cloudtrail").runOnce()).isEqualTo(1);
    var cp = new CursorStore(state).load("s3-trail-bucket-AWSLogs/").orElseThrow();
    assertThat(S3LogFileSource.lastKeys(cp))
        .containsValue(US + "111122223333_CloudTrail_us-east-1_20260302T1200Z_c.json.gz");
    assertThat(cp.extra().keySet()).noneSatisfy(k -> assertThat(k).startsWith("seen:"));
  }

  @Test
  void recordsFromABucketSayTheyCameFromTheS3Connector() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, "cloudtrail").runOnce();
    assertThat(sink.records).allSatisfy(r -> assertThat(r.getConnector()).isEqualTo("s3"));
  }
}
