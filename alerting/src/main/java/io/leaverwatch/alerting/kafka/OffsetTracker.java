package io.leaverwatch.alerting.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, everything below the oldest record whose delivery
 * is not yet in the ledger. Records settle out of order (one receiver waits on a 429 while others
 * go on), so the committable offset is the lowest one still in flight, not the last one done.
 */
public final class OffsetTracker {
  private final Map<TopicPartition, TreeSet<Long>> inFlight = new HashMap<>();
  private final Map<TopicPartition, Long> next = new HashMap<>();

  public void started(TopicPartition tp, long offset) {
    inFlight.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
    next.merge(tp, offset + 1, Math::max);
  }

  public void done(TopicPartition tp, long offset) {
    TreeSet<Long> s = inFlight.get(tp);
    if (s != null) {
      s.remove(offset);
    }
  }

  /** The offset to commit per partition (the next record to read after a restart). */
  public Map<TopicPartition, Long> committable() {
    Map<TopicPartition, Long> out = new HashMap<>();
    next.forEach(
        (tp, n) -> {
          TreeSet<Long> s = inFlight.get(tp);
          out.put(tp, s == null || s.isEmpty() ? n : s.first());
        });
    return out;
  }

  public int inFlight() {
    return inFlight.values().stream().mapToInt(TreeSet::size).sum();
  }

  public void forget(TopicPartition tp) {
    inFlight.remove(tp);
    next.remove(tp);
  }
}
