package io.leaverwatch.core.detect;

import java.io.Serializable;
import java.util.ArrayList;

/**
 * One hour of one person's activity on one source, as actor. Post-departure activity is reported
 * per bucket, so state grows with hours of activity, not with events: past {@link #MAX_REFS} events
 * only the count and the time range grow.
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
  public boolean overflowAnySuccess;

  public void add(EventRef r, String raw) {
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
      overflowAnySuccess |= !r.failed;
    }
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
