package io.leaverwatch.anomaly;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A set of 64-bit hashes with a capacity: open addressing over a {@code long[]}, so a person's
 * known resources and IPs cost eight bytes each. Once full it stops growing (and says so): state
 * per person stays bounded however much a person touches.
 */
final class LongSet implements Serializable {
  private static final long EMPTY = 0L;
  private final int capacity;
  private long[] table;
  private int size;

  LongSet(int capacity) {
    this.capacity = capacity;
    this.table = new long[8];
  }

  private LongSet(LongSet from) {
    capacity = from.capacity;
    table = from.table.clone();
    size = from.size;
  }

  /** A copy that changes apart from this one. */
  LongSet copy() {
    return new LongSet(this);
  }

  /** Adds {@code h}; false when it was there or the set is full. */
  boolean add(long h) {
    if (h == EMPTY) {
      h = 1;
    }
    int mask = table.length - 1;
    int i = mix(h) & mask;
    while (table[i] != EMPTY) {
      if (table[i] == h) {
        return false;
      }
      i = (i + 1) & mask;
    }
    if (size >= capacity) {
      return false;
    }
    table[i] = h;
    size++;
    if (size * 4 > table.length * 3) {
      grow();
    }
    return true;
  }

  boolean contains(long h) {
    if (h == EMPTY) {
      h = 1;
    }
    int mask = table.length - 1;
    int i = mix(h) & mask;
    while (table[i] != EMPTY) {
      if (table[i] == h) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  int size() {
    return size;
  }

  int capacity() {
    return capacity;
  }

  boolean full() {
    return size >= capacity;
  }

  /** The elements, in table order (callers that need an order sort them). */
  long[] toArray() {
    return occupied(table, size);
  }

  /** The {@code size} values of an open-addressing {@code table}, in table order. */
  static long[] occupied(long[] table, int size) {
    long[] out = new long[size];
    int n = 0;
    for (long v : table) {
      if (v != EMPTY) {
        out[n++] = v;
      }
    }
    return out;
  }

  /** Bytes held, for the state bound. */
  long bytes() {
    return 16L + 8L * table.length;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    int mask = table.length - 1;
    for (long v : old) {
      if (v != EMPTY) {
        int i = mix(v) & mask;
        while (table[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        table[i] = v;
      }
    }
  }

  /** The slot hash of a stored value (shared with {@link EvidenceMap}). */
  static int mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) h;
  }

  /** A 64-bit FNV-1a hash of a string. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h == EMPTY ? 1 : h;
  }

  @Override
  public String toString() {
    long[] a = toArray();
    Arrays.sort(a);
    return Arrays.toString(a);
  }
}
