package io.leaverwatch.ingest.files;

import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.Connectors;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.core.read.RejectedRecords;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code leaverwatch ingest files}: publishes audit log files to audit.raw (one record per event
 * line or document, bytes untouched) and the departures, identities and access snapshots to their
 * topics, as Avro single-object encoded values. Returns only when the broker acknowledged every
 * record (idempotent producer, acks=all), so a count it reports is a count Kafka holds.
 */
public final class FilePublisher {
  /** Where each kind of record goes. */
  public record Topics(String raw, String departures, String identities, String access) {
    public static Topics defaults() {
      return new Topics("audit.raw", "hr.departures", "iam.identities", "iam.access-snapshots");
    }
  }

  /**
   * Counts of what was acknowledged.
   *
   * @param events messages published to the raw topic (each part of a split record counts)
   * @param oversized records too large to publish whole and not splittable, published instead as
   *     rejected records for the detection job to dead-letter: over the reader's per-record cap, or
   *     over the message limit (a non-CloudTrail record, or one CloudTrail record alone over it)
   * @param split records over the message limit split into parts
   * @param parts messages the split records became (a CloudTrail record alone over the limit among
   *     them is one of these and is counted in {@code oversized} too)
   */
  public record Published(
      long events,
      long oversized,
      long departures,
      long identities,
      long grants,
      long split,
      long parts) {
    /** Counts with nothing split (the shape from before records were split). */
    public Published(long events, long oversized, long departures, long identities, long grants) {
      this(events, oversized, departures, identities, grants, 0, 0);
    }
  }

  /**
   * Default largest encoded value sent: under Kafka's default 1 MiB {@code max.request.size} of the
   * producer and {@code message.max.bytes} of the broker, with room for the record batch overhead.
   */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 900 * 1024;

  /** Smallest limit accepted: a rejected record (reason, origin and a 4 KiB head) must fit. */
  public static final int MIN_MAX_MESSAGE_BYTES = 16 * 1024;

  /** Digits reserved for a part number when sizing parts (more than any int has). */
  private static final String WIDEST_PART = "/part-9999999999";

  /** Bytes the payload's length prefix may grow by, from an empty payload to any real one. */
  private static final int LENGTH_PREFIX_GROWTH = 4;

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  private final int maxMessageBytes;
  private final String connector;

  /** A publisher whose messages stay under {@link #DEFAULT_MAX_MESSAGE_BYTES}. */
  public FilePublisher(Producer<String, byte[]> producer, Topics topics) {
    this(producer, topics, DEFAULT_MAX_MESSAGE_BYTES);
  }

  /**
   * A publisher whose raw-topic messages (encoded values) stay under {@code maxMessageBytes}: the
   * producer would refuse a larger one with a {@code RecordTooLargeException} and abort the whole
   * publish, so a larger record is split or sent as a rejection instead (see {@link
   * #publishEvents}). Match it to the producer's {@code max.request.size} and the topic's {@code
   * max.message.bytes}, less some room for the batch overhead.
   */
  public FilePublisher(Producer<String, byte[]> producer, Topics topics, int maxMessageBytes) {
    this(producer, topics, maxMessageBytes, false);
  }

  /**
   * @param normalised the audit files are already normalised AuditEvent lines, which the user
   *     vouches for ({@code ingest files --normalised}): their records are marked so, and only
   *     records so marked may carry a normalised event (see {@code RawAuditRecord.connector})
   */
  public FilePublisher(
      Producer<String, byte[]> producer, Topics topics, int maxMessageBytes, boolean normalised) {
    if (maxMessageBytes < MIN_MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "message limit of "
              + maxMessageBytes
              + " bytes is below the smallest accepted, "
              + MIN_MAX_MESSAGE_BYTES
              + " bytes: a rejected record (reason and first bytes) must fit in one message");
    }
    this.producer = producer;
    this.topics = topics;
    this.maxMessageBytes = maxMessageBytes;
    this.connector = normalised ? Connectors.NORMALISED : Connectors.FILE;
  }

  /** Largest encoded value this publisher sends to the raw topic. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Records acknowledged so far (for progress lines). */
  public long acknowledged() {
    return acked.get();
  }

  public Published publishPeople(Path departures, Path identities, Path access) {
    long d = 0;
    long i = 0;
    long g = 0;
    if (departures != null) {
      for (Departure x : PeopleFiles.readDepartures(departures)) {
        send(topics.departures(), x.getPersonId(), AvroMessages.encode(x));
        d++;
      }
    }
    if (identities != null) {
      for (IdentityLink x : PeopleFiles.readIdentities(identities)) {
        send(
            topics.identities(),
            x.getPersonId() + "|" + x.getSystem() + "|" + x.getIdentity(),
            AvroMessages.encode(x));
        i++;
      }
    }
    if (access != null) {
      for (AccessGrant x : PeopleFiles.readAccess(access)) {
        send(topics.access(), null, AvroMessages.encode(x));
        g++;
      }
    }
    flush();
    return new Published(0, 0, d, i, g);
  }

  /**
   * Publishes every record of the files. A line too long to hold is published too (its head), so
   * the detection job dead-letters it with its reason instead of it vanishing here.
   *
   * <p>A record whose encoded value is over the message limit would make the producer fail and
   * abort the publish (an S3 CloudTrail file is one record, and often over 1 MiB), so:
   *
   * <ul>
   *   <li>a CloudTrail {@code {"Records":[...]}} document is split into several such documents,
   *       each a consecutive run of its records in their order and under the limit, published with
   *       the same origin and the cursor {@code <cursor>/part-<n>} (from 1), so the keys stay
   *       distinct and a dead letter names the part it came from. A CloudTrail record too large
   *       even alone is published in its place as a rejected record;
   *   <li>any other record (not JSON, not a Records document) is published as a rejected record
   *       holding its first bytes, whose reason gives its size and the limit.
   * </ul>
   *
   * Nothing is dropped: every record reaches the topic whole, in parts, or as a rejection.
   */
  public Published publishEvents(List<Path> inputs, Consumer<Long> progress) {
    Counts n = new Counts(progress);
    try (RecordReader reader = RecordReader.open(inDayOrder(inputs), Clock.systemUTC())) {
      while (reader.hasNext()) {
        ReadItem item = reader.next();
        if (item instanceof ReadItem.Record rec) {
          rec.record().setConnector(connector);
          publishRecord(rec.record(), n);
        } else {
          ReadItem.Oversized o = (ReadItem.Oversized) item;
          n.oversized++;
          sendRaw(rejection(o.toRejection().reason(), o.origin(), o.cursor(), o.head()), n);
        }
      }
    }
    flush();
    if (progress != null) {
      progress.accept(n.events);
    }
    return new Published(n.events, n.oversized, 0, 0, 0, n.split, n.parts);
  }

  /** Sends one record read from a file: as it is when it fits, otherwise split or rejected. */
  private void publishRecord(RawAuditRecord r, Counts n) {
    byte[] value = AvroMessages.encode(r);
    if (value.length <= maxMessageBytes) {
      send(topics.raw(), keyOf(r), value);
      n.sent();
      return;
    }
    byte[] payload = bytesOf(r);
    RecordsSplitter.Result result =
        RecordsSplitter.split(
            payload, maxMessageBytes - partOverhead(r), RecordReader.OVERSIZED_HEAD_BYTES);
    List<Message> parts =
        result instanceof RecordsSplitter.Pieces p ? encodeParts(r, p.pieces()) : List.of();
    if (parts.isEmpty()) {
      String why =
          result instanceof RecordsSplitter.Unsplittable u
              ? u.why()
              : "a part came out over the limit";
      int keep = Math.min(payload.length, RecordReader.OVERSIZED_HEAD_BYTES);
      n.oversized++;
      sendRaw(
          rejection(
              "record of "
                  + value.length
                  + " bytes exceeds the "
                  + maxMessageBytes
                  + "-byte message limit and cannot be split ("
                  + why
                  + "); only its first "
                  + keep
                  + " bytes are kept",
              r.getOrigin(),
              r.getCursor(),
              Arrays.copyOf(payload, keep)),
          n);
      return;
    }
    for (Message m : parts) {
      send(topics.raw(), m.key(), m.value());
      n.sent();
      if (m.rejected()) {
        n.oversized++;
      }
    }
    n.split++;
    n.parts += parts.size();
  }

  /** One encoded message of a split record; {@code rejected} for a CloudTrail record too large. */
  private record Message(String key, byte[] value, boolean rejected) {}

  /**
   * The messages {@code pieces} of {@code r} become, in order, each encoded; none when one would be
   * over the limit (which the sizing of the parts rules out), so that a record is never left half
   * published: it is rejected whole instead.
   */
  private List<Message> encodeParts(RawAuditRecord r, List<RecordsSplitter.Piece> pieces) {
    List<Message> out = new ArrayList<>(pieces.size());
    for (int i = 0; i < pieces.size(); i++) {
      String cursor = partCursor(r.getCursor(), i + 1);
      RawAuditRecord part;
      if (pieces.get(i) instanceof RecordsSplitter.Part p) {
        part =
            RawAuditRecord.newBuilder(r)
                .setCursor(cursor)
                .setPayload(ByteBuffer.wrap(p.payload()))
                .build();
      } else {
        RecordsSplitter.TooLarge t = (RecordsSplitter.TooLarge) pieces.get(i);
        part =
            rejection(
                "CloudTrail record Records["
                    + t.index()
                    + "] of "
                    + t.size()
                    + " bytes is too large for the "
                    + maxMessageBytes
                    + "-byte message limit even alone and cannot be split; only its first "
                    + t.head().length
                    + " bytes are kept",
                r.getOrigin(),
                cursor,
                t.head());
      }
      byte[] value = AvroMessages.encode(part);
      if (value.length > maxMessageBytes) {
        return List.of();
      }
      out.add(new Message(keyOf(part), value, RejectedRecords.reasonOf(part) != null));
    }
    return out;
  }

  /** Sends a rejected record (already sized to fit by {@link #rejection}). */
  private void sendRaw(RawAuditRecord r, Counts n) {
    send(topics.raw(), keyOf(r), AvroMessages.encode(r));
    n.sent();
  }

  /**
   * A rejected record for the detection job to dead-letter with {@code reason}. Its head is cut
   * shorter when needed so that the rejection itself fits the message limit (only with a long
   * origin and a limit near the minimum).
   */
  private RawAuditRecord rejection(String reason, String origin, String cursor, byte[] head) {
    RawAuditRecord r = RejectedRecords.of(reason, origin, cursor, head, Instant.now());
    int over = AvroMessages.encode(r).length - maxMessageBytes;
    if (over > 0 && head != null) {
      r =
          RejectedRecords.of(
              reason,
              origin,
              cursor,
              Arrays.copyOf(head, Math.max(0, head.length - over)),
              r.getReceivedAt());
    }
    return r;
  }

  /**
   * Encoded bytes of a part of {@code r} besides its payload: the same fields with the widest part
   * cursor, plus the growth of the payload's length prefix. Payloads within {@code maxMessageBytes}
   * less this always encode within the limit.
   */
  private static int partOverhead(RawAuditRecord r) {
    RawAuditRecord empty =
        RawAuditRecord.newBuilder(r)
            .setCursor((r.getCursor() == null ? "" : r.getCursor()) + WIDEST_PART)
            .setPayload(ByteBuffer.wrap(new byte[0]))
            .build();
    return AvroMessages.encode(empty).length + LENGTH_PREFIX_GROWTH;
  }

  private static String partCursor(String cursor, int part) {
    return (cursor == null ? "" : cursor) + "/part-" + part;
  }

  private static String keyOf(RawAuditRecord r) {
    return r.getOrigin() + "#" + r.getCursor();
  }

  private static byte[] bytesOf(RawAuditRecord r) {
    ByteBuffer b = r.getPayload().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** What publishEvents sent so far, reporting progress every 1024 messages. */
  private static final class Counts {
    private final Consumer<Long> progress;
    long events;
    long oversized;
    long split;
    long parts;

    Counts(Consumer<Long> progress) {
      this.progress = progress;
    }

    void sent() {
      events++;
      if (progress != null && (events & 0x3ff) == 0) {
        progress.accept(events);
      }
    }
  }

  private static final java.util.regex.Pattern DAY =
      java.util.regex.Pattern.compile("(\\d{4})[-/](\\d{2})[-/](\\d{2})");

  /**
   * The files in the order of the day their path names ({@code 2026-10-01}, {@code 2026/10/01}),
   * then by path: a replay of several sources then moves through event time together instead of one
   * source after the other, which keeps out-of-orderness to about a day.
   */
  public static List<Path> inDayOrder(List<Path> inputs) {
    List<Path> files = new java.util.ArrayList<>(RecordReader.expand(inputs));
    files.sort(
        java.util.Comparator.comparing(
                (Path p) -> {
                  java.util.regex.Matcher m = DAY.matcher(p.toString());
                  String day = "";
                  while (m.find()) {
                    day = m.group(1) + m.group(2) + m.group(3);
                  }
                  return day;
                })
            .thenComparing(Path::toString));
    return files;
  }

  private void send(String topic, String key, byte[] value) {
    Exception f = failure.get();
    if (f != null) {
      throw new IllegalStateException("publishing to " + topic + " failed: " + f.getMessage(), f);
    }
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (meta, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          } else {
            acked.incrementAndGet();
          }
        });
  }

  private void flush() {
    producer.flush();
    Exception f = failure.get();
    if (f != null) {
      throw new IllegalStateException("publishing failed: " + f.getMessage(), f);
    }
  }
}
