package io.leaverwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.core.read.RejectedRecords;
import io.leaverwatch.ingest.sink.RecordSink;
import io.leaverwatch.ingest.state.Checkpoint;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestLoopDeliveryTest {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path state;
  final FakeClock clock = new FakeClock(T0);

  /**
   * A topic of two partitions acknowledged one by one, as a plain Kafka producer does: a record is
   * placed by its id's last digit, and partition 0 refuses its records once. The other partition
   * keeps its records all the same, so the page's last record is on the topic while another is not.
   */
  static final class TwoPartitionSink implements RecordSink<RawAuditRecord> {
    final List<List<RawAuditRecord>> partitions = List.of(new ArrayList<>(), new ArrayList<>());
    boolean partitionZeroDown = true;

    static int partitionOf(RawAuditRecord r) {
      String p = StandardCharsets.UTF_8.decode(r.getPayload().duplicate()).toString();
      return (p.charAt(p.length() - 3) - '0') % 2;
    }

    @Override
    public void send(List<RawAuditRecord> batch) throws IOException {
      boolean failed = false;
      for (RawAuditRecord r : batch) {
        int p = partitionOf(r);
        if (p == 0 && partitionZeroDown) {
          failed = true;
        } else {
          partitions.get(p).add(r);
        }
      }
      if (failed) {
        partitionZeroDown = false;
        throw new IOException("NotLeaderOrFollowerException on partition 0");
      }
    }

    @Override
    public Optional<Boolean> holds(RawAuditRecord r) {
      return Optional.of(partitions.get(partitionOf(r)).contains(r));
    }

    List<String> payloads() {
      List<String> out = new ArrayList<>();
      for (List<RawAuditRecord> p : partitions) {
        for (RawAuditRecord r : p) {
          out.add(StandardCharsets.UTF_8.decode(r.getPayload().duplicate()).toString());
        }
      }
      return out;
    }
  }

  IngestLoop loop(PageSource source, RecordSink<RawAuditRecord> sink, int maxRecordBytes)
      throws IOException {
    IngestLog log = new IngestLog("test");
    return new IngestLoop(
        source,
        sink,
        new CursorStore(state),
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("test", clock),
        maxRecordBytes);
  }

  @Test
  void aRecordRefusedOnAnotherPartitionHoldsTheCursorAndIsDeliveredOnRecovery() throws Exception {
    ListPageSource source =
        new ListPageSource()
            .page("{\"uuid\":\"e-12\"}", "{\"uuid\":\"e-11\"}")
            .page("{\"uuid\":\"e-20\"}", "{\"uuid\":\"e-21\"}", "{\"uuid\":\"e-23\"}")
            .page("{\"uuid\":\"e-31\"}");
    TwoPartitionSink sink = new TwoPartitionSink();
    // Page 1's first record (partition 0) is refused; its last (partition 1) lands.
    assertThatThrownBy(() -> loop(source, sink, 900 * 1024).runOnce())
        .isInstanceOf(IOException.class);
    assertThat(sink.payloads())
        .contains("{\"uuid\":\"e-11\"}")
        .doesNotContain("{\"uuid\":\"e-12\"}");
    Checkpoint saved = new CursorStore(state).load("list").orElseThrow();
    assertThat(saved.position()).as("cursor did not move past the refused record").isEqualTo("0");

    loop(source, sink, 900 * 1024).runOnce();

    Set<String> onTopic = new HashSet<>(sink.payloads());
    assertThat(onTopic)
        .containsExactlyInAnyOrder(
            "{\"uuid\":\"e-11\"}",
            "{\"uuid\":\"e-12\"}",
            "{\"uuid\":\"e-20\"}",
            "{\"uuid\":\"e-21\"}",
            "{\"uuid\":\"e-23\"}",
            "{\"uuid\":\"e-31\"}");
    assertThat(new CursorStore(state).load("list").orElseThrow().position()).isEqualTo("3");
  }

  /** Refuses any batch holding a record over the limit, as Kafka's RecordTooLargeException does. */
  static final class SizeLimitedSink implements RecordSink<RawAuditRecord> {
    final int limit;
    final List<RawAuditRecord> records = new ArrayList<>();

    SizeLimitedSink(int limit) {
      this.limit = limit;
    }

    @Override
    public void send(List<RawAuditRecord> batch) throws IOException {
      for (RawAuditRecord r : batch) {
        if (RawAuditRecord.getEncoder().encode(r).remaining() > limit) {
          throw new IOException("RecordTooLargeException: the message is too large");
        }
      }
      records.addAll(batch);
    }
  }

  @Test
  void aRecordOverTheMessageLimitIsSentAsARejectionAndTheLoopGoesOn() throws Exception {
    String huge = "{\"uuid\":\"e-2\",\"pad\":\"" + "x".repeat(40_000) + "\"}";
    ListPageSource source =
        new ListPageSource().page("{\"uuid\":\"e-1\"}", huge).page("{\"uuid\":\"e-3\"}");
    SizeLimitedSink sink = new SizeLimitedSink(32 * 1024);

    assertThat(loop(source, sink, 32 * 1024).runOnce()).isEqualTo(3);

    assertThat(sink.records).hasSize(3);
    RawAuditRecord rejected = sink.records.get(1);
    assertThat(RejectedRecords.reasonOf(rejected))
        .contains("exceeds the 32768-byte message limit", "first 4096 bytes");
    assertThat(rejected.getOrigin()).isEqualTo("test://source");
    assertThat(rejected.getPayload().remaining()).isEqualTo(4096);
    assertThat(new CursorStore(state).load("list").orElseThrow().position()).isEqualTo("2");
  }

  @Test
  void everyRecordCarriesTheConnectorThatFetchedIt() throws Exception {
    ListPageSource source = new ListPageSource().page("{\"uuid\":\"e-1\"}");
    SizeLimitedSink sink = new SizeLimitedSink(900 * 1024);
    loop(source, sink, 900 * 1024).runOnce();
    assertThat(sink.records)
        .singleElement()
        .satisfies(r -> assertThat(r.getConnector()).isEqualTo("api"));
  }
}
