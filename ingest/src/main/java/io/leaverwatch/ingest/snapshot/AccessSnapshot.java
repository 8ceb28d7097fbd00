package io.leaverwatch.ingest.snapshot;

import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.http.Origins;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import io.leaverwatch.ingest.http.RawEvent;
import io.leaverwatch.schema.AccessGrant;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists the access that is active right now in one system. A snapshot that was read to its end
 * closes with {@link #complete}: the detectors then know that a grant the snapshot did not show is
 * gone, which they cannot tell from a list of active grants alone. A snapshot that failed part way
 * throws instead, and no marker is sent.
 */
public interface AccessSnapshot {
  String system();

  /** Every active grant, then the completeness marker of this snapshot. */
  List<AccessGrant> collect(Instant observedAt) throws SourceException, InterruptedException;

  /** The marker that the snapshot of {@code system} taken at {@code takenAt} is complete. */
  static AccessGrant complete(String system, Instant takenAt) {
    return AccessGrant.newBuilder()
        .setSystem(system)
        .setGrant("")
        .setObservedAt(takenAt)
        .setComplete(true)
        .build();
  }

  /** Whether a record is a completeness marker rather than a grant. */
  static boolean isComplete(AccessGrant g) {
    return Boolean.TRUE.equals(g.getComplete());
  }

  static AccessGrant grant(String system, String identity, String grant, Instant observedAt) {
    return AccessGrant.newBuilder()
        .setSystem(system)
        .setIdentity(identity)
        .setGrant(grant)
        .setObservedAt(observedAt)
        .build();
  }

  /** Every element of a Link-paginated JSON list, following next links on its origin only. */
  static List<RawEvent> all(RateLimitedHttp http, URI first)
      throws SourceException, InterruptedException {
    List<RawEvent> out = new ArrayList<>();
    Optional<URI> next = Optional.of(first);
    int pages = 0;
    while (next.isPresent()) {
      Origins.require(http.sourceName(), first, next.get(), "the Link rel=\"next\"");
      RateLimitedHttp.Page p = http.getPage(next.get());
      out.addAll(p.events());
      next = p.events().isEmpty() ? Optional.empty() : p.next();
      if (++pages > 100_000) {
        throw new SourceException("more than 100000 pages from " + first + ": stopping", false);
      }
    }
    return out;
  }
}
