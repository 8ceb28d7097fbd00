package io.leaverwatch.ingest;

import io.leaverwatch.ingest.state.Checkpoint;
import java.time.Instant;
import java.util.List;

/** A paged audit source: fetches the page at a checkpoint and says where the next one is. */
public interface PageSource {
  /** The cursor file name: connector plus org, region or bucket. */
  String key();

  /** The RawAuditRecord source hint: github, okta or cloudtrail. */
  String source();

  Checkpoint initial();

  Page fetch(Checkpoint at) throws SourceException, InterruptedException;

  /**
   * One event; {@code id} may be null when the source has none (then it cannot be deduplicated).
   */
  record Event(String id, Instant time, byte[] payload, String origin, String cursor) {}

  /** A page; {@code caughtUp} means "nothing newer right now, poll again later". */
  record Page(List<Event> events, Checkpoint next, boolean caughtUp) {}
}
