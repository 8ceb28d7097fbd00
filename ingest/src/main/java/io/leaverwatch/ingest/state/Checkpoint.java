package io.leaverwatch.ingest.state;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A connector's position: an opaque {@code position} (a URL, a token, a key) and the ids of the
 * events already delivered at that position, so a page re-read after a restart or a re-poll drops
 * them instead of repeating them.
 */
public record Checkpoint(String position, Set<String> boundaryIds, Map<String, String> extra) {
  public Checkpoint {
    boundaryIds = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(boundaryIds));
    extra = Map.copyOf(extra);
  }

  public static Checkpoint at(String position) {
    return new Checkpoint(position, Set.of(), Map.of());
  }

  public Checkpoint withBoundary(Set<String> ids) {
    return new Checkpoint(position, ids, extra);
  }

  public Checkpoint with(String key, String value) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>(extra);
    if (value == null) {
      m.remove(key);
    } else {
      m.put(key, value);
    }
    return new Checkpoint(position, boundaryIds, m);
  }

  public String get(String key) {
    return extra.get(key);
  }
}
