package io.leaverwatch.ingest;

import io.leaverwatch.ingest.state.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Pages of events at positions "0", "1", ...; the position after the last page is caught up. */
public final class ListPageSource implements PageSource {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  final List<List<Event>> pages = new ArrayList<>();

  public ListPageSource page(String... payloads) {
    List<Event> events = new ArrayList<>();
    for (String p : payloads) {
      String id = p.substring(0, Math.min(p.length(), 20)).replaceAll("[^a-z0-9-]", "");
      events.add(
          new Event(
              id, T0, p.getBytes(StandardCharsets.UTF_8), "test://source", "page " + pages.size()));
    }
    pages.add(events);
    return this;
  }

  @Override
  public String key() {
    return "list";
  }

  @Override
  public String source() {
    return "okta";
  }

  @Override
  public Checkpoint initial() {
    return Checkpoint.at("0");
  }

  @Override
  public Page fetch(Checkpoint at) {
    int i = Integer.parseInt(at.position());
    if (i >= pages.size()) {
      return new Page(List.of(), at, true);
    }
    return new Page(pages.get(i), Checkpoint.at(String.valueOf(i + 1)), i + 1 == pages.size());
  }
}
