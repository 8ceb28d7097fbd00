package io.leaverwatch.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.ingest.PageSource;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.state.Checkpoint;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A REST audit log paged with Link rel="next" (GitHub audit log, Okta System Log). The next link is
 * the cursor; an empty page or a page without a next link means caught up. When a source stops
 * offering a next link, the cursor becomes a fresh query from the newest event's second, with the
 * ids at that second remembered so they are not delivered twice. A next link or a stored cursor is
 * followed only on the origin of the initial URL (see {@link Origins}).
 */
public final class LinkPagedSource implements PageSource {
  static final int MAX_REMEMBERED_IDS = 2000;
  private final String source;
  private final String key;
  private final RateLimitedHttp http;
  private final URI initial;
  private final Function<Instant, URI> resumeFrom;
  private final String idField;
  private final List<String> timeFields;

  public LinkPagedSource(
      String source,
      String key,
      RateLimitedHttp http,
      URI initial,
      Function<Instant, URI> resumeFrom,
      String idField,
      List<String> timeFields) {
    this.source = source;
    this.key = key;
    this.http = http;
    this.initial = initial;
    this.resumeFrom = resumeFrom;
    this.idField = idField;
    this.timeFields = timeFields;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public Checkpoint initial() {
    return Checkpoint.at(initial.toString());
  }

  @Override
  public Page fetch(Checkpoint at) throws SourceException, InterruptedException {
    URI uri;
    try {
      uri = URI.create(at.position());
    } catch (IllegalArgumentException e) {
      throw new SourceException(
          source + ": the stored cursor of " + key + " is not a URL: " + e.getMessage(), false);
    }
    Origins.require(source, initial, uri, "the stored cursor of " + key);
    RateLimitedHttp.Page page = http.getPage(uri);
    List<Event> events = new ArrayList<>(page.events().size());
    Set<String> ids = new LinkedHashSet<>();
    Instant newest = null;
    for (RawEvent e : page.events()) {
      String id = text(e.tree().get(idField));
      Instant time = time(e.tree());
      if (id != null) {
        ids.add(id);
      }
      if (time != null && (newest == null || time.isAfter(newest))) {
        newest = time;
      }
      events.add(new Event(id, time, e.bytes(), page.uri().toString(), at.position()));
    }
    // Recently delivered ids travel with the cursor (bounded): a resumed or re-polled query may
    // return them again, and this is what keeps them from leaving the connector twice.
    Set<String> recent = recentIds(at.boundaryIds(), ids);
    if (page.next().isPresent()) {
      Origins.require(source, initial, page.next().get(), "the Link rel=\"next\" of " + page.uri());
      Checkpoint next = Checkpoint.at(page.next().get().toString()).withBoundary(recent);
      return new Page(events, next, events.isEmpty());
    }
    if (events.isEmpty() || newest == null) {
      return new Page(events, at.withBoundary(recent), true);
    }
    Instant second = newest.truncatedTo(ChronoUnit.SECONDS);
    Checkpoint next = Checkpoint.at(resumeFrom.apply(second).toString()).withBoundary(recent);
    return new Page(events, next, true);
  }

  static Set<String> recentIds(Set<String> before, Set<String> page) {
    List<String> all = new ArrayList<>(before);
    all.removeAll(page);
    all.addAll(page);
    int from = Math.max(0, all.size() - MAX_REMEMBERED_IDS);
    return new LinkedHashSet<>(all.subList(from, all.size()));
  }

  private Instant time(JsonNode tree) {
    for (String f : timeFields) {
      JsonNode n = tree.get(f);
      if (n == null || n.isNull()) {
        continue;
      }
      if (n.isNumber()) {
        return Instant.ofEpochMilli(n.asLong());
      }
      if (n.isTextual()) {
        try {
          return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
          try {
            return Instant.ofEpochMilli(Long.parseLong(n.asText()));
          } catch (NumberFormatException ignored) {
            // An unreadable time only costs the lag figure; the event is still delivered.
          }
        }
      }
    }
    return null;
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
  }
}
