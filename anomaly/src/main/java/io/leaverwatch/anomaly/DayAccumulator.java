package io.leaverwatch.anomaly;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.OutcomeResult;
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

  final LongSet ips = new LongSet(MAX_KEYS_PER_DAY);
  final EvidenceMap ipEvidence = new EvidenceMap(MAX_KEYS_PER_DAY);
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

  void add(AuditEvent e) {
    if (index == null || index.rules() != rules) {
      index = FeatureIndex.of(rules);
    }
    long t = e.getEventTime().toEpochMilli();
    String id = e.getEventId();
    long rank = LongSet.hash(id);
    total++;
    first = Math.min(first, t);
    last = Math.max(last, t);
    int hour = rules.hourOf(t);
    hours[hour]++;
    if (hourEvidence[hour] == null || hourRank[hour] > rank) {
      hourEvidence[hour] = id;
      hourRank[hour] = rank;
    }
    boolean failed = e.getOutcome() != null && e.getOutcome().getResult() == OutcomeResult.FAILURE;
    if (failed) {
      failures++;
      for (int i : index.onFailure()) {
        sample(i, id, rank);
      }
    }
    String ip = e.getSourceIp();
    if (ip != null && !ip.isEmpty()) {
      long h = LongSet.hash(ip);
      ips.add(h);
      ipEvidence.offer(h, id, rank);
      for (int i : index.onSourceIp()) {
        sample(i, id, rank);
      }
    }
    String resource = e.getResource();
    for (int i : index.matching(e)) {
      counts[i]++;
      if (keys[i] != null) {
        long h = keyHash(i, resource);
        if (h == 0) {
          continue; // the resource names no key
        }
        keys[i].add(h);
        if (keyEvidence[i] != null) {
          keyEvidence[i].offer(h, id, rank);
        }
      }
      sample(i, id, rank);
    }
  }

  /**
   * The hash of feature {@code f}'s key of {@code resource}, or 0 when it names none ({@link
   * LongSet#hash} is never 0). A day's events mostly repeat a resource: the key of the resource the
   * feature saw last is not matched out and hashed again; nor is the key the previous feature of
   * the same event worked out when neither has a {@code resource_pattern} (both key the whole
   * resource).
   */
  private long keyHash(int f, String resource) {
    if (resource != null && resource.equals(seenResource[f])) {
      return seenKeyHash[f];
    }
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
