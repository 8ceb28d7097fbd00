package io.leaverwatch.core.detect;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The ids of events that are counted but no longer kept, as 64-bit hashes in a sorted array: 8
 * bytes an event instead of the id's string. Two ids of one hour's bucket share a hash with a
 * chance of about n²/2⁶⁵, far below one in a billion for the busiest bucket.
 */
public final class EventIdSet implements Serializable {
  private long[] hashes = new long[0];
  private int size;

  /** Adds the id; false when it was there already. */
  public boolean add(String eventId) {
    long h = hash(eventId);
    int at = Arrays.binarySearch(hashes, 0, size, h);
    if (at >= 0) {
      return false;
    }
    int insert = -at - 1;
    if (size == hashes.length) {
      hashes = Arrays.copyOf(hashes, Math.max(8, size * 2));
    }
    System.arraycopy(hashes, insert, hashes, insert + 1, size - insert);
    hashes[insert] = h;
    size++;
    return true;
  }

  public boolean contains(String eventId) {
    return size > 0 && Arrays.binarySearch(hashes, 0, size, hash(eventId)) >= 0;
  }

  public int size() {
    return size;
  }

  /** The hashes in ascending order (for the state serializer). */
  public long[] hashes() {
    return Arrays.copyOf(hashes, size);
  }

  /** A set of the given hashes, ascending (as {@link #hashes()} returns them). */
  public static EventIdSet ofHashes(long[] sorted) {
    EventIdSet s = new EventIdSet();
    s.hashes = Arrays.copyOf(sorted, sorted.length);
    s.size = sorted.length;
    return s;
  }

  /** What identifies one event: its id, time and action (see {@link ActivityBucket}). */
  public static String key(String eventId, long time, String action) {
    return eventId + '\u0000' + time + '\u0000' + action;
  }

  public EventIdSet copy() {
    return ofHashes(hashes());
  }

  /** FNV-1a over the UTF-16 chars, then a finaliser that spreads every bit. */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
