package io.leaverwatch.anomaly;

import io.leaverwatch.schema.AuditEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-person accumulator: the open days (events of a day may arrive in any order, and days may
 * be open side by side) and a bounded history (known resources and IPs as hashes, an hour
 * histogram, the feature vectors of the last {@code own_history_days} active days). Closing a day
 * turns it into a {@link PersonDay} against the history before it, then folds it into the history.
 * Pure: the Flink operator keeps one per person in keyed state and closes days on a timer.
 */
public final class DailyFeatures {
  /** Known resource keys kept per new-resource feature; beyond that nothing counts as new. */
  static final int MAX_KNOWN_RESOURCES = 512;

  static final int MAX_KNOWN_IPS = 256;

  // not part of the state: bound after a restore (see bind), checked by the fingerprint
  private AnomalyRules rules;
  final long fingerprint;
  private final String personId;
  final TreeMap<Long, DayAccumulator> open = new TreeMap<>();
  // the open day the last event went to (a person's events mostly arrive day by day): not state
  private DayAccumulator current;
  final LongSet[] knownResources;
  LongSet knownIps = new LongSet(MAX_KNOWN_IPS);
  final long[] hourCounts = new long[24];
  final double[][] recent;
  int recentCount;
  int recentNext;
  int daysSeen;
  long lastClosed = Long.MIN_VALUE;

  /** The empty shell {@link DailyFeaturesCodec} fills. */
  DailyFeatures(long fingerprint, String personId, LongSet[] knownResources, double[][] recent) {
    this.fingerprint = fingerprint;
    this.personId = personId;
    this.knownResources = knownResources;
    this.recent = recent;
  }

  /**
   * A deep copy, bound to the same rules: what a snapshot still holds while the person's state
   * changes (the heap state backend asks for one then). The vectors of the closed days are shared:
   * they are never changed once kept.
   */
  public DailyFeatures copy() {
    LongSet[] known = new LongSet[knownResources.length];
    for (int i = 0; i < known.length; i++) {
      known[i] = knownResources[i] == null ? null : knownResources[i].copy();
    }
    DailyFeatures c = new DailyFeatures(fingerprint, personId, known, recent.clone());
    c.rules = rules;
    for (Map.Entry<Long, DayAccumulator> e : open.entrySet()) {
      c.open.put(e.getKey(), new DayAccumulator(e.getValue()));
    }
    c.knownIps = knownIps.copy();
    System.arraycopy(hourCounts, 0, c.hourCounts, 0, hourCounts.length);
    c.recentCount = recentCount;
    c.recentNext = recentNext;
    c.daysSeen = daysSeen;
    c.lastClosed = lastClosed;
    return c;
  }

  public DailyFeatures(AnomalyRules rules, String personId) {
    this.rules = rules;
    this.fingerprint = rules.stateFingerprint();
    this.personId = personId;
    knownResources = new LongSet[rules.featureCount()];
    for (int i = 0; i < knownResources.length; i++) {
      if (rules.features().get(i).kind() == FeatureDefinition.Kind.NEW_RESOURCE_SHARE) {
        knownResources[i] = new LongSet(MAX_KNOWN_RESOURCES);
      }
    }
    recent = new double[rules.ownHistoryDays()][];
  }

  public String personId() {
    return personId;
  }

  /** The rules this state reads its events with; null after a restore until {@link #bind}. */
  public AnomalyRules rules() {
    return rules;
  }

  /**
   * Binds state read back from a snapshot to the rules of the running model; false (and left
   * unbound) when it was accumulated under other feature definitions, whose vectors these rules
   * would misread: the caller starts the person afresh.
   */
  public boolean bind(AnomalyRules rules, long rulesFingerprint) {
    if (rulesFingerprint != fingerprint || rules.ownHistoryDays() != recent.length) {
      return false;
    }
    this.rules = rules;
    for (DayAccumulator a : open.values()) {
      a.rules = rules;
    }
    return true;
  }

  /** The latest day closed, or Long.MIN_VALUE. */
  public long lastClosed() {
    return lastClosed;
  }

  /** What {@link #offer} did with an event. */
  public enum Added {
    /** into a day that was open already */
    ADDED,
    /** into a day it opened */
    OPENED,
    /** not at all: its day was closed and scored already */
    LATE
  }

  /**
   * Adds one event of this person; false (ignored) when its day was already closed: a day is scored
   * once, so an event later than that is dropped here and counted by the caller.
   */
  public boolean add(AuditEvent e) {
    return offer(e) != Added.LATE;
  }

  /** Adds one event of this person, and says whether it opened its day or came too late for it. */
  public Added offer(AuditEvent e) {
    return offer(EventFacts.of(e));
  }

  /** {@link #offer(AuditEvent)} of an event's facts. */
  public Added offer(EventFacts e) {
    long day = rules.dayOf(e.time);
    DayAccumulator a = current;
    if (a != null && a.day == day) {
      a.add(e);
      return Added.ADDED;
    }
    if (day <= lastClosed) {
      return Added.LATE;
    }
    Added result = Added.ADDED;
    a = open.get(day);
    if (a == null) {
      a = new DayAccumulator(rules, day);
      open.put(day, a);
      result = Added.OPENED;
    }
    current = a;
    a.add(e);
    return result;
  }

  /** Closes every open day up to and including {@code day}, oldest first. */
  public List<PersonDay> closeThrough(long day) {
    return closeThrough(day, d -> true);
  }

  /**
   * Closes every open day up to and including {@code day} and returns the closed days that {@code
   * scored} accepts. The others are folded into the history without their own-history statistics
   * and evidence, which only scoring reads: the streaming job scores leavers' windows only, and
   * most days are nobody's window.
   */
  public List<PersonDay> closeThrough(long day, java.util.function.LongPredicate scored) {
    List<PersonDay> out = new ArrayList<>();
    while (!open.isEmpty() && open.firstKey() <= day) {
      Map.Entry<Long, DayAccumulator> first = open.pollFirstEntry();
      if (first.getValue() == current) {
        current = null;
      }
      boolean full = scored.test(first.getKey());
      PersonDay closed = close(first.getValue(), full);
      if (full) {
        out.add(closed);
      }
      lastClosed = first.getKey();
    }
    return out;
  }

  public List<PersonDay> closeAll() {
    return closeThrough(Long.MAX_VALUE);
  }

  public int openDays() {
    return open.size();
  }

  /** Active days closed so far. */
  public int daysSeen() {
    return daysSeen;
  }

  /** Bytes held by the history (the part of the state that lives as long as the person). */
  public long historyBytes() {
    long b = 64 + 24 * 8 + knownIps.bytes();
    for (LongSet s : knownResources) {
      if (s != null) {
        b += s.bytes();
      }
    }
    for (double[] r : recent) {
      if (r != null) {
        b += 16 + 8L * r.length;
      }
    }
    return b;
  }

  private PersonDay close(DayAccumulator a, boolean full) {
    int n = rules.featureCount();
    boolean historyKnown = daysSeen >= rules.minOwnDays();
    boolean[] usual = usualHours(historyKnown);
    double[] v = new double[n];
    List<List<String>> evidence = new ArrayList<>(n);
    int k = rules.evidencePerFeature();
    for (int i = 0; i < n; i++) {
      FeatureDefinition d = rules.features().get(i);
      List<String> ids = full ? sampled(a.evidence[i]) : List.of();
      switch (d.kind()) {
        case COUNT -> v[i] = a.counts[i];
        case DISTINCT -> v[i] = a.keys[i].size();
        case NEW_RESOURCE_SHARE -> {
          long[] keys = a.keys[i].toArray();
          if (historyKnown && keys.length > 0 && !knownResources[i].full()) {
            List<String> fresh = new ArrayList<>();
            int news = 0;
            Arrays.sort(keys);
            for (long key : keys) {
              if (!knownResources[i].contains(key)) {
                news++;
                String id = a.keyEvidence[i].get(key);
                if (id != null && fresh.size() < k) {
                  fresh.add(id);
                }
              }
            }
            v[i] = (double) news / Math.max(keys.length, rules.shareFloorResources());
            ids = fresh;
          } else {
            ids = List.of();
          }
        }
        case DISTINCT_SOURCE_IPS -> v[i] = a.ips.size();
        case NEW_SOURCE_IPS -> {
          List<String> fresh = new ArrayList<>();
          if (historyKnown && !knownIps.full()) {
            long[] ips = a.ips.toArray();
            Arrays.sort(ips);
            int news = 0;
            for (long ip : ips) {
              if (!knownIps.contains(ip)) {
                news++;
                String id = a.ipEvidence.get(ip);
                if (id != null && fresh.size() < k) {
                  fresh.add(id);
                }
              }
            }
            v[i] = news;
          }
          ids = fresh;
        }
        case OFF_HOURS_SHARE -> {
          int off = 0;
          List<String> fresh = new ArrayList<>();
          for (int h = 0; h < 24; h++) {
            if (!usual[h] && a.hours[h] > 0) {
              off += a.hours[h];
              if (fresh.size() < k && a.hourEvidence[h] != null) {
                fresh.add(a.hourEvidence[h]);
              }
            }
          }
          v[i] = (double) off / Math.max(a.total, rules.shareFloorEvents());
          ids = fresh;
        }
        case FAILURE_SHARE ->
            v[i] = (double) a.failures / Math.max(a.total, rules.shareFloorEvents());
      }
      evidence.add(ids);
    }
    double[] median = null;
    double[] spread = null;
    if (historyKnown && full) {
      median = new double[n];
      spread = new double[n];
      ownStatistics(median, spread);
    }
    absorb(a, v);
    return new PersonDay(
        personId,
        a.day,
        v,
        median,
        spread,
        Collections.unmodifiableList(evidence),
        a.total,
        a.first,
        a.last);
  }

  private static List<String> sampled(String[] ids) {
    if (ids == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(ids.length);
    for (String id : ids) {
      if (id != null) {
        out.add(id);
      }
    }
    Collections.sort(out);
    return out;
  }

  private boolean[] usualHours(boolean historyKnown) {
    boolean[] usual = new boolean[24];
    long sum = 0;
    for (long c : hourCounts) {
      sum += c;
    }
    for (int h = 0; h < 24; h++) {
      usual[h] =
          historyKnown && sum > 0
              ? hourCounts[h] >= rules.usualHourMinShare() * sum
              : h >= rules.usualFrom() && h < rules.usualTo();
    }
    return usual;
  }

  /** Median and 1.4826 * MAD of each feature over the recent active days. */
  private void ownStatistics(double[] median, double[] spread) {
    int m = recentCount;
    double[] col = new double[m];
    for (int f = 0; f < median.length; f++) {
      for (int j = 0; j < m; j++) {
        col[j] = recent[j][f];
      }
      double med = Robust.median(col, m);
      for (int j = 0; j < m; j++) {
        col[j] = Math.abs(recent[j][f] - med);
      }
      median[f] = med;
      spread[f] = 1.4826 * Robust.median(col, m);
    }
  }

  private void absorb(DayAccumulator a, double[] v) {
    daysSeen++;
    for (int i = 0; i < knownResources.length; i++) {
      if (knownResources[i] != null) {
        for (long key : a.keys[i].toArray()) {
          knownResources[i].add(key);
        }
      }
    }
    for (long ip : a.ips.toArray()) {
      knownIps.add(ip);
    }
    for (int h = 0; h < 24; h++) {
      hourCounts[h] += a.hours[h];
    }
    recent[recentNext] = v;
    recentNext = (recentNext + 1) % recent.length;
    recentCount = Math.min(recentCount + 1, recent.length);
  }
}
