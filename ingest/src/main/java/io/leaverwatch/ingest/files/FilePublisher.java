package io.leaverwatch.ingest.files;

import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.file.Path;
import java.time.Clock;
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

  /** Counts of what was acknowledged. */
  public record Published(
      long events, long oversized, long departures, long identities, long grants) {}

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public FilePublisher(Producer<String, byte[]> producer, Topics topics) {
    this.producer = producer;
    this.topics = topics;
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
   */
  public Published publishEvents(List<Path> inputs, Consumer<Long> progress) {
    long events = 0;
    long oversized = 0;
    try (RecordReader reader = RecordReader.open(inDayOrder(inputs), Clock.systemUTC())) {
      while (reader.hasNext()) {
        ReadItem item = reader.next();
        RawAuditRecord r;
        if (item instanceof ReadItem.Record rec) {
          r = rec.record();
        } else {
          ReadItem.Oversized o = (ReadItem.Oversized) item;
          oversized++;
          r =
              io.leaverwatch.core.read.RejectedRecords.of(
                  o.toRejection().reason(),
                  o.origin(),
                  o.cursor(),
                  o.head(),
                  java.time.Instant.now());
        }
        send(topics.raw(), r.getOrigin() + "#" + r.getCursor(), AvroMessages.encode(r));
        events++;
        if (progress != null && (events & 0x3ff) == 0) {
          progress.accept(events);
        }
      }
    }
    flush();
    if (progress != null) {
      progress.accept(events);
    }
    return new Published(events, oversized, 0, 0, 0);
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
