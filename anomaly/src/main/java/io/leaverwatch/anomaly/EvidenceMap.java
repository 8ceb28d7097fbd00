package io.leaverwatch.anomaly;

import java.util.Arrays;

/**
 * For each key hash of a day (a resource or a source IP), the event id behind it with the lowest
 * hash, so the sample is the same in any arrival order. Open addressing over primitive arrays, with
 * each id's hash kept beside it: an event costs one probe and one comparison of longs, with no
 * boxing and no hashing of the kept id again. New keys stop at {@code capacity}.
 */
final class EvidenceMap {
  private static final long EMPTY = 0L;
  private final int capacity;
  private long[] keys;
  private long[] ranks;
  private String[] ids;
  private int size;

  EvidenceMap(int capacity) {
    this.capacity = capacity;
    keys = new long[8];
    ranks = new long[8];
    ids = new String[8];
  }

  /**
   * Keeps {@code id} for {@code key} when the key is new (and there is room) or its rank is lower.
   */
  void offer(long key, String id, long rank) {
    if (key == EMPTY) {
      key = 1;
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        if (rank < ranks[i]) {
          ranks[i] = rank;
          ids[i] = id;
        }
        return;
      }
      i = (i + 1) & mask;
    }
    if (size >= capacity) {
      return;
    }
    keys[i] = key;
    ranks[i] = rank;
    ids[i] = id;
    size++;
    if (size * 4 > keys.length * 3) {
      grow();
    }
  }

  /** Puts an entry read back from a snapshot (its rank is the id's hash). */
  void restore(long key, String id) {
    offer(key, id, LongSet.hash(id));
  }

  /** The id kept for {@code key}, or null. */
  String get(long key) {
    if (key == EMPTY) {
      key = 1;
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        return ids[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  int size() {
    return size;
  }

  /** The keys, in table order. */
  long[] keys() {
    long[] out = new long[size];
    int n = 0;
    for (long k : keys) {
      if (k != EMPTY) {
        out[n++] = k;
      }
    }
    return out;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldRanks = ranks;
    String[] oldIds = ids;
    keys = new long[oldKeys.length * 2];
    ranks = new long[keys.length];
    ids = new String[keys.length];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != EMPTY) {
        int i = mix(oldKeys[j]) & mask;
        while (keys[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        ranks[i] = oldRanks[j];
        ids[i] = oldIds[j];
      }
    }
  }

  private static int mix(long h) {
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }

  @Override
  public String toString() {
    long[] k = keys();
    Arrays.sort(k);
    StringBuilder b = new StringBuilder("{");
    for (long key : k) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(key).append('=').append(get(key));
    }
    return b.append('}').toString();
  }
}
