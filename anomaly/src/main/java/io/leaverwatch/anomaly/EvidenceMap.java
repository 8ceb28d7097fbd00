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

  private EvidenceMap(EvidenceMap from) {
    capacity = from.capacity;
    keys = from.keys.clone();
    ranks = from.ranks.clone();
    ids = from.ids.clone();
    size = from.size;
  }

  /** A copy that changes apart from this one. */
  EvidenceMap copy() {
    return new EvidenceMap(this);
  }

  /**
   * Keeps {@code id} for {@code key} when the key is new (and there is room) or its rank is lower.
   */
  void offer(long key, String id, long rank) {
    int i = slot(key);
    if (keys[i] != EMPTY) {
      if (rank < ranks[i]) {
        ranks[i] = rank;
        ids[i] = id;
      }
      return;
    }
    if (size >= capacity) {
      return;
    }
    keys[i] = stored(key);
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
    return ids[slot(key)];
  }

  int size() {
    return size;
  }

  /** The keys, in table order. */
  long[] keys() {
    return LongSet.occupied(keys, size);
  }

  /** Where {@code key} is, or the empty slot where it would go. */
  private int slot(long key) {
    long k = stored(key);
    int mask = keys.length - 1;
    int i = LongSet.mix(k) & mask;
    while (keys[i] != EMPTY && keys[i] != k) {
      i = (i + 1) & mask;
    }
    return i;
  }

  /** 0 marks an empty slot, so a key hash of 0 is stored as 1 (as {@link LongSet} does). */
  private static long stored(long key) {
    return key == EMPTY ? 1 : key;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldRanks = ranks;
    String[] oldIds = ids;
    keys = new long[oldKeys.length * 2];
    ranks = new long[keys.length];
    ids = new String[keys.length];
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != EMPTY) {
        int i = slot(oldKeys[j]);
        keys[i] = oldKeys[j];
        ranks[i] = oldRanks[j];
        ids[i] = oldIds[j];
      }
    }
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
