package io.leaverwatch.ingest;

import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.core.read.RejectedRecords;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.sink.RecordSink;
import io.leaverwatch.ingest.state.Checkpoint;
import io.leaverwatch.ingest.state.CheckpointStore;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Moves pages from a source to a sink. The cursor advances only after the sink confirmed every
 * record of the page, and events whose ids sit at the cursor boundary are dropped, so a restart
 * re-reads at most one page. A page whose send failed (or was cut short by a stop) is sent again
 * unless the sink can prove it holds all of it; a sink that cannot (records spread over partitions
 * acknowledged one by one) gets the page again, and the detection job drops the repeats by event
 * id.
 *
 * <p>A record the sink could never take (over {@code maxRecordBytes} encoded, the message limit) or
 * one the connector could not read is sent as a rejected record with its reason and first bytes
 * instead, so it is dead-lettered rather than retried forever or dropped.
 */
public final class IngestLoop {
  private final PageSource source;
  private final RecordSink<RawAuditRecord> sink;
  private static final String PENDING_NEXT = "pending_next";
  private static final String PENDING_LAST = "pending_last_record";
  private static final BinaryMessageDecoder<RawAuditRecord> DECODER =
      AvroMessages.decoder(RawAuditRecord.class);
  private final CheckpointStore store;
  private final Clock clock;
  private final Sleeper sleeper;
  private final IngestLog log;
  private final IngestStatus status;
  private final int maxRecordBytes;

  public IngestLoop(
      PageSource source,
      RecordSink<RawAuditRecord> sink,
      CheckpointStore store,
      Clock clock,
      Sleeper sleeper,
      IngestLog log,
      IngestStatus status) {
    this(source, sink, store, clock, sleeper, log, status, FilePublisher.DEFAULT_MAX_MESSAGE_BYTES);
  }

  /**
   * @param maxRecordBytes largest encoded record sent as it is: match the producer's {@code
   *     max.request.size} and the topic's {@code max.message.bytes}, less room for batch overhead
   */
  public IngestLoop(
      PageSource source,
      RecordSink<RawAuditRecord> sink,
      CheckpointStore store,
      Clock clock,
      Sleeper sleeper,
      IngestLog log,
      IngestStatus status,
      int maxRecordBytes) {
    if (maxRecordBytes < FilePublisher.MIN_MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "record limit of "
              + maxRecordBytes
              + " bytes is below the smallest accepted, "
              + FilePublisher.MIN_MAX_MESSAGE_BYTES);
    }
    this.maxRecordBytes = maxRecordBytes;
    this.source = source;
    this.sink = sink;
    this.store = store;
    this.clock = clock;
    this.sleeper = sleeper;
    this.log = log;
    this.status = status;
  }

  /** Reads until the source is caught up; returns the number of events delivered. */
  public long runOnce() throws SourceException, IOException, InterruptedException {
    Checkpoint cp = settlePending(store.load(source.key()).orElseGet(source::initial));
    long delivered = 0;
    while (true) {
      PageSource.Page page = source.fetch(cp);
      Set<String> seen = new HashSet<>(cp.boundaryIds());
      List<RawAuditRecord> fresh = new ArrayList<>();
      Instant newest = null;
      Instant receivedAt = clock.instant();
      for (PageSource.Event e : page.events()) {
        if (e.id() != null) {
          if (!seen.add(e.id())) {
            continue;
          }
        }
        fresh.add(record(e, receivedAt));
        if (e.time() != null && (newest == null || e.time().isAfter(newest))) {
          newest = e.time();
        }
      }
      Checkpoint next = page.next();
      if (!fresh.isEmpty()) {
        // Write-ahead: if we stop after the sink confirmed but before the cursor moved, the next
        // start asks the sink whether it holds this page's last record instead of guessing.
        store.save(
            source.key(),
            cp.with(PENDING_NEXT, CursorStore.toJson(next))
                .with(PENDING_LAST, encode(fresh.get(fresh.size() - 1))));
        sink.send(fresh);
      }
      if (!next.equals(cp) || !fresh.isEmpty()) {
        store.save(source.key(), next);
      }
      delivered += fresh.size();
      status.page(fresh.size(), newest);
      cp = next;
      if (page.caughtUp()) {
        return delivered;
      }
    }
  }

  private RawAuditRecord record(PageSource.Event e, Instant receivedAt) throws IOException {
    if (e.rejected() != null) {
      return rejection(e.rejected(), e, e.payload(), receivedAt);
    }
    RawAuditRecord r =
        RawAuditRecord.newBuilder()
            .setSource(source.source())
            .setConnector(source.connector())
            .setReceivedAt(receivedAt)
            .setOrigin(e.origin())
            .setCursor(e.cursor())
            .setPayload(ByteBuffer.wrap(e.payload()))
            .build();
    // Strings take at most 3 bytes a char plus a length; only a record near the limit is encoded
    // to measure it.
    long bound =
        e.payload().length
            + 3L * (len(e.origin()) + len(e.cursor()) + len(source.source()))
            + len(source.connector()) * 3L
            + 64;
    if (bound <= maxRecordBytes) {
      return r;
    }
    int size = RawAuditRecord.getEncoder().encode(r).remaining();
    if (size <= maxRecordBytes) {
      return r;
    }
    int keep = Math.min(e.payload().length, RecordReader.OVERSIZED_HEAD_BYTES);
    log.warn(
        "sending "
            + e.origin()
            + " "
            + e.cursor()
            + " as a rejected record: "
            + size
            + " bytes is over the "
            + maxRecordBytes
            + "-byte message limit");
    return rejection(
        "record of "
            + size
            + " bytes exceeds the "
            + maxRecordBytes
            + "-byte message limit; only its first "
            + keep
            + " bytes are kept",
        e,
        Arrays.copyOf(e.payload(), keep),
        receivedAt);
  }

  private RawAuditRecord rejection(
      String reason, PageSource.Event e, byte[] head, Instant receivedAt) {
    RawAuditRecord r = RejectedRecords.of(reason, e.origin(), e.cursor(), head, receivedAt);
    r.setConnector(source.connector());
    return r;
  }

  private static int len(String s) {
    return s == null ? 0 : s.length();
  }

  private Checkpoint settlePending(Checkpoint cp) throws IOException {
    String pendingNext = cp.get(PENDING_NEXT);
    if (pendingNext == null) {
      return cp;
    }
    Checkpoint before = cp.with(PENDING_NEXT, null).with(PENDING_LAST, null);
    if (!sink.lastRecordProvesBatch()) {
      // The page's last record on the topic says nothing about a record on another partition.
      log.warn(
          source.key()
              + ": cannot tell whether all of the page sent before the last stop reached the sink"
              + " (its records are acknowledged one by one); sending it again (downstream"
              + " deduplicates by event id)");
      return before;
    }
    RawAuditRecord last;
    try {
      last = decode(cp.get(PENDING_LAST));
    } catch (IOException | RuntimeException e) {
      log.warn(
          source.key()
              + ": the state's pending record cannot be read ("
              + e.getMessage()
              + "); sending the page again (downstream deduplicates by event id)");
      return before;
    }
    Optional<Boolean> held = sink.holds(last);
    if (held.orElse(false)) {
      Checkpoint next = CursorStore.fromJson(pendingNext);
      store.save(source.key(), next);
      log.info(source.key() + ": the page sent before the last stop reached the sink; moving on");
      return next;
    }
    if (held.isEmpty()) {
      log.warn(
          source.key()
              + ": cannot tell whether the page sent before the last stop reached the sink;"
              + " sending it again (downstream deduplicates by event id)");
    }
    return before;
  }

  private static String encode(RawAuditRecord r) throws IOException {
    ByteBuffer b = RawAuditRecord.getEncoder().encode(r);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return Base64.getEncoder().encodeToString(out);
  }

  private static RawAuditRecord decode(String s) throws IOException {
    if (s == null) {
      throw new IOException("state has a pending page but no pending record");
    }
    return DECODER.decode(Base64.getDecoder().decode(s));
  }

  /** Polls forever; outages are logged and retried, rejected credentials end the loop. */
  public void runForever(Duration pollInterval)
      throws SourceException, IOException, InterruptedException {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        runOnce();
      } catch (SourceException e) {
        if (!e.retryable()) {
          throw e;
        }
        log.warn(source.key() + ": " + e.getMessage() + "; next poll in " + pollInterval);
      } catch (IOException e) {
        // The sink or the state directory failed; the write-ahead record lets the next pass find
        // out what the sink kept, so waiting and trying again neither loses nor repeats events.
        log.warn(source.key() + ": " + e.getMessage() + "; next poll in " + pollInterval);
      }
      sleeper.sleep(pollInterval);
    }
    throw new InterruptedException();
  }
}
