package io.leaverwatch.core.detect;

import java.io.Serializable;
import java.util.ArrayList;

/**
 * One hour of one person's activity on one source, as actor. Post-departure activity is reported
 * per bucket, so state grows with hours of activity, not with events: past {@link #MAX_REFS} events
 * only the count, the time range and the set of their ids' hashes grow.
 *
 * <p>An event is counted once however often it is delivered (CloudTrail's at-least-once delivery,
 * S3 files and LookupEvents overlapping, a page re-sent): {@link #add} refuses an event it holds.
 * An event is its id with its time and action: sample data and some exports reuse one id ("1") for
 * different events, while a delivery of the same event repeats all three.
 */
public final class ActivityBucket implements Serializable {
  public static final int MAX_REFS = 200;
  public static final int MAX_EVIDENCE = 3;

  public String source;
  public long hourStart;
  public ArrayList<EventRef> refs = new ArrayList<>();
  public long overflowCount;
  public long overflowFirst = Long.MAX_VALUE;
  public long overflowLast = Long.MIN_VALUE;

  /** how many of the events counted in {@link #overflowCount} failed */
  public long overflowFailures;

  /** the ids of the events counted in {@link #overflowCount} */
  public EventIdSet overflowIds = new EventIdSet();

  /** True when the bucket holds this event already (same id, time and action). */
  public boolean contains(String eventId, long time, String action) {
    int h = eventId.hashCode();
    for (int i = 0; i < refs.size(); i++) {
      EventRef x = refs.get(i);
      if (x.eventId.hashCode() == h && x.isSame(eventId, time, action)) {
        return true;
      }
    }
    return overflowIds.contains(EventIdSet.key(eventId, time, action));
  }

  /** Adds the event; false, changing nothing, when it is a duplicate of one already counted. */
  public boolean add(EventRef r, String raw) {
    if (contains(r.eventId, r.time, r.action)) {
      return false;
    }
    if (refs.size() < MAX_REFS) {
      // raw events kept only for the first few: the evidence of the finding
      r.raw = raw != null && withRaw() < MAX_EVIDENCE ? raw : null;
      if (!refs.isEmpty()) {
        r.shareStringsWith(refs.get(refs.size() - 1));
      }
      refs.add(r);
    } else {
      overflowCount++;
      overflowFirst = Math.min(overflowFirst, r.time);
      overflowLast = Math.max(overflowLast, r.time);
      if (r.failed) {
        overflowFailures++;
      }
      overflowIds.add(EventIdSet.key(r.eventId, r.time, r.action));
    }
    return true;
  }

  private int withRaw() {
    int n = 0;
    for (EventRef x : refs) {
      if (x.raw != null) {
        n++;
      }
    }
    return n;
  }
}
