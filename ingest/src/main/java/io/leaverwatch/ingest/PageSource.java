package io.leaverwatch.ingest;

import io.leaverwatch.core.read.Connectors;
import io.leaverwatch.ingest.state.Checkpoint;
import java.time.Instant;
import java.util.List;

/** A paged audit source: fetches the page at a checkpoint and says where the next one is. */
public interface PageSource {
  /** The cursor file name: connector plus org, region or bucket. */
  String key();

  /** The RawAuditRecord source hint: github, okta or cloudtrail. */
  String source();

  /**
   * What kind of input this is, carried on every record as {@code RawAuditRecord.connector}: the
   * normaliser trusts the shape of a record only as far as its connector allows (an already
   * normalised AuditEvent is accepted from nothing but an input the user marked as normalised).
   */
  default String connector() {
    return Connectors.API;
  }

  Checkpoint initial();

  Page fetch(Checkpoint at) throws SourceException, InterruptedException;

  /**
   * One event; {@code id} may be null when the source has none (then it cannot be deduplicated).
   * {@code rejected}, when set, is why the connector could not read it (an object over the size
   * cap): the event travels as a rejected record holding {@code payload} (its first bytes) and the
   * detection job dead-letters it with that reason.
   */
  record Event(
      String id, Instant time, byte[] payload, String origin, String cursor, String rejected) {
    public Event(String id, Instant time, byte[] payload, String origin, String cursor) {
      this(id, time, payload, origin, cursor, null);
    }
  }

  /** A page; {@code caughtUp} means "nothing newer right now, poll again later". */
  record Page(List<Event> events, Checkpoint next, boolean caughtUp) {}
}
