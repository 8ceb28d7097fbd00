package io.leaverwatch.anomaly;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * What one person did on one day, reduced as events arrive (in any order): counts per feature, the
 * day's resource keys and source IPs as hashes, an hour histogram, failures, and a small
 * order-independent sample of event ids behind each feature (the ids with the lowest hashes).
 */
final class DayAccumulator {
  /** Distinct keys kept per day and feature: enough to count a mass clone of hundreds. */
  static final int MAX_KEYS_PER_DAY = 1024;

  final long day;
  // not part of the state: set by the constructor, or by DailyFeatures.bind after a restore
  AnomalyRules rules;
  final int[] counts;
  final LongSet[] keys;

  /** per new-resource feature: key hash -> an event id behind it (the lowest-hash one) */
  final EvidenceMap[] keyEvidence;

  final LongSet ips;
  final EvidenceMap ipEvidence;
  final int[] hours = new int[24];
  final String[] hourEvidence = new String[24];
  // the hashes of hourEvidence, and the feature index: worked out again after a restore
  final long[] hourRank = new long[24];
  private FeatureIndex index;
  // per feature, the last resource seen and its key's hash (0: no key): not part of the state
  private final String[] seenResource;
  private final long[] seenKeyHash;
  // the last key worked out, for any feature: its resource, pattern and hash (not part of the
  // state)
  private String lastResource;
  private Pattern lastPattern;
  private long lastKeyHash;
  // the last event's source IP hash (0: none yet): not part of the state
  private long lastIp;
  final String[][] evidence;
  final long[][] evidenceRank;
  // per feature, the highest rank the sample keeps (MAX_VALUE while it has room; UNKNOWN: not
  // worked out since the day was made or restored): not part of the state
  private final long[] sampleBar;
  int total;
  int failures;
  long first = Long.MAX_VALUE;
  long last = Long.MIN_VALUE;

  /** The empty shell {@link DailyFeaturesCodec} fills (arrays of {@code features} entries). */
  DayAccumulator(long day, int features) {
    this.day = day;
    counts = new int[features];
    seenResource = new String[features];
    seenKeyHash = new long[features];
    keys = new LongSet[features];
    keyEvidence = new EvidenceMap[features];
    evidence = new String[features][];
    evidenceRank = new long[features][];
    sampleBar = unknownBars(features);
    ips = new LongSet(MAX_KEYS_PER_DAY);
    ipEvidence = new EvidenceMap(MAX_KEYS_PER_DAY);
  }

  DayAccumulator(AnomalyRules rules, long day) {
    this.rules = rules;
    this.day = day;
    int f = rules.featureCount();
    counts = new int[f];
    seenResource = new String[f];
    seenKeyHash = new long[f];
    keys = new LongSet[f];
    keyEvidence = new EvidenceMap[f];
    evidence = new String[f][];
    evidenceRank = new long[f][];
    sampleBar = unknownBars(f);
    ips = new LongSet(MAX_KEYS_PER_DAY);
    ipEvidence = new EvidenceMap(MAX_KEYS_PER_DAY);
    for (int i = 0; i < f; i++) {
      FeatureDefinition d = rules.features().get(i);
      if (d.kind().usesResources()) {
        keys[i] = new LongSet(MAX_KEYS_PER_DAY);
      }
      if (d.kind() == FeatureDefinition.Kind.NEW_RESOURCE_SHARE) {
        keyEvidence[i] = new EvidenceMap(MAX_KEYS_PER_DAY);
      }
    }
  }

  /** A deep copy of {@code a}, bound to the same rules (what is not state is copied too). */
  DayAccumulator(DayAccumulator a) {
    day = a.day;
    rules = a.rules;
    index = a.index;
    counts = a.counts.clone();
    int f = counts.length;
    keys = new LongSet[f];
    keyEvidence = new EvidenceMap[f];
    evidence = new String[f][];
    evidenceRank = new long[f][];
    for (int i = 0; i < f; i++) {
      keys[i] = a.keys[i] == null ? null : a.keys[i].copy();
      keyEvidence[i] = a.keyEvidence[i] == null ? null : a.keyEvidence[i].copy();
      evidence[i] = a.evidence[i] == null ? null : a.evidence[i].clone();
      evidenceRank[i] = a.evidenceRank[i] == null ? null : a.evidenceRank[i].clone();
    }
    seenResource = a.seenResource.clone();
    seenKeyHash = a.seenKeyHash.clone();
    sampleBar = a.sampleBar.clone();
    lastResource = a.lastResource;
    lastPattern = a.lastPattern;
    lastKeyHash = a.lastKeyHash;
    lastIp = a.lastIp;
    ips = a.ips.copy();
    ipEvidence = a.ipEvidence.copy();
    System.arraycopy(a.hours, 0, hours, 0, hours.length);
    System.arraycopy(a.hourEvidence, 0, hourEvidence, 0, hourEvidence.length);
    System.arraycopy(a.hourRank, 0, hourRank, 0, hourRank.length);
    total = a.total;
    failures = a.failures;
    first = a.first;
    last = a.last;
  }

  void add(EventFacts e) {
    if (index == null || index.rules() != rules) {
      index = FeatureIndex.of(rules);
    }
    long t = e.time;
    String id = e.id;
    long rank = e.rank;
    total++;
    first = Math.min(first, t);
    last = Math.max(last, t);
    int hour = rules.hourOf(t);
    hours[hour]++;
    if (hourEvidence[hour] == null || hourRank[hour] > rank) {
      hourEvidence[hour] = id;
      hourRank[hour] = rank;
    }
    if (e.failed) {
      failures++;
      for (int i : index.onFailure()) {
        sample(i, id, rank);
      }
    }
    long ip = e.ipHash;
    if (ip != 0) {
      if (ip != lastIp) {
        ips.add(ip); // the same IP as the event before is in the set (or the set is full)
        lastIp = ip;
      }
      ipEvidence.offer(ip, id, rank);
      for (int i : index.onSourceIp()) {
        sample(i, id, rank);
      }
    }
    String resource = e.resource;
    for (int i : index.matching(e.source, e.actionClass, e.action)) {
      counts[i]++;
      if (keys[i] != null) {
        long h;
        if (resource != null && resource.equals(seenResource[i])) {
          h = seenKeyHash[i]; // the feature's last resource: its key is in the set already
        } else {
          h = keyHash(i, resource);
          if (h != 0) {
            keys[i].add(h);
          }
        }
        if (h == 0) {
          continue; // the resource names no key
        }
        if (keyEvidence[i] != null) {
          keyEvidence[i].offer(h, id, rank);
        }
      }
      sample(i, id, rank);
    }
  }

  /**
   * The hash of feature {@code f}'s key of {@code resource}, or 0 when it names none ({@link
   * LongSet#hash} is never 0), remembered as the feature's last resource and key. A day's events
   * mostly repeat a resource: {@link #add} does not ask again for the resource the feature saw
   * last; nor is the key the previous feature of the same event worked out matched out again when
   * both have the same {@code resource_pattern}.
   */
  private long keyHash(int f, String resource) {
    FeatureDefinition d = rules.features().get(f);
    long h;
    if (resource != null && resource.equals(lastResource) && d.resourcePattern() == lastPattern) {
      h = lastKeyHash;
    } else {
      String key = d.resourceKey(resource);
      h = key == null ? 0 : LongSet.hash(key);
      lastResource = resource;
      lastPattern = d.resourcePattern();
      lastKeyHash = h;
    }
    seenResource[f] = resource;
    seenKeyHash[f] = h;
    return h;
  }

  private static final long UNKNOWN = Long.MIN_VALUE;

  private static long[] unknownBars(int features) {
    long[] bars = new long[features];
    Arrays.fill(bars, UNKNOWN);
    return bars;
  }

  /**
   * Keeps the {@code evidence_per_feature} ids with the lowest hashes: the same in any order. Once
   * the sample is full, almost every event ranks above its highest kept rank and is turned away by
   * one comparison.
   */
  private void sample(int f, String id, long rank) {
    if (evidence[f] == null) {
      int k = rules.evidencePerFeature();
      evidence[f] = new String[k];
      evidenceRank[f] = new long[k];
      Arrays.fill(evidenceRank[f], Long.MAX_VALUE);
      sampleBar[f] = Long.MAX_VALUE;
    }
    long[] ranks = evidenceRank[f];
    if (sampleBar[f] == UNKNOWN) {
      sampleBar[f] = max(ranks);
    }
    if (rank >= sampleBar[f]) {
      return; // not lower than every kept rank, or the same event again
    }
    String[] ids = evidence[f];
    int worst = 0;
    for (int j = 0; j < ranks.length; j++) {
      if (ranks[j] == rank && id.equals(ids[j])) {
        return;
      }
      if (ranks[j] > ranks[worst]) {
        worst = j;
      }
    }
    ids[worst] = id;
    ranks[worst] = rank;
    sampleBar[f] = max(ranks);
  }

  private static long max(long[] ranks) {
    long m = Long.MIN_VALUE;
    for (long r : ranks) {
      m = Math.max(m, r);
    }
    return m;
  }
}
