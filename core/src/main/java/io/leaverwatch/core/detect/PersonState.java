package io.leaverwatch.core.detect;

import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Source;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeMap;

/**
 * Everything kept about one person. Bounded: activity is summarised per source and hour, notable
 * events are capped, and everything older than the history horizon is pruned.
 */
public final class PersonState implements Serializable {
  public static final int MAX_NOTABLE = 500;

  public String personId;
  // the departure, if any (null until HR reports one)
  public String email;
  public String role;
  public Long noticeAt;
  public Long departedAt;

  /** DEPARTED or RESCINDED once a departure is known (any other HR status counts as DEPARTED) */
  public DepartureStatus status;

  /** identity key → system ("okta", "github", "aws", or null for email-like keys) */
  public TreeMap<String, String> identities = new TreeMap<>();

  /**
   * Activity as actor by {@link #bucketKey source and hour}. A hash map: nearly every event opens a
   * new hour, and inserting into a sorted map of string keys took a fifth of the resolver's thread;
   * nothing needs the buckets in order.
   */
  public HashMap<Long, ActivityBucket> activity = new HashMap<>();

  /** events where the person is target, or their credential and sensitive changes as actor */
  public ArrayList<EventRef> notable = new ArrayList<>();

  /** access key id → first seen */
  public TreeMap<String, Long> accessKeys = new TreeMap<>();

  /** "system|grant" → latest observed_at of an active grant */
  public TreeMap<String, Long> grants = new TreeMap<>();

  public long latestEventTime = Long.MIN_VALUE;

  /**
   * A cache, not state: neither serialised nor copied (transient), so a restored or copied state
   * starts without it. The last event-time timer registered exactly at its deadline.
   */
  public transient long lastTimer = Long.MIN_VALUE;

  /** deadlines up to this instant have been judged (streaming): each is judged once */
  public long deadlinesJudgedUntil = Long.MIN_VALUE;

  /** The key of a source's hour in {@link #activity}: hour number × 8 + source ordinal. */
  public static long bucketKey(Source source, long hourStart) {
    return Math.floorDiv(hourStart, 3_600_000L) * 8 + source.ordinal();
  }

  public boolean hasDeparture() {
    return departedAt != null;
  }

  public boolean isActiveDeparture() {
    return departedAt != null && status != DepartureStatus.RESCINDED;
  }

  /** From when the person is flagged: the notice, else the departure. */
  public long flaggedFrom() {
    return noticeAt != null ? Math.min(noticeAt, departedAt) : departedAt;
  }

  public boolean isEmpty() {
    return departedAt == null && activity.isEmpty() && notable.isEmpty() && grants.isEmpty();
  }
}
