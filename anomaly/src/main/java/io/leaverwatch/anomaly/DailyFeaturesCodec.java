package io.leaverwatch.anomaly;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The binary form of a person's {@link DailyFeatures}, for the streaming job's state (its Flink
 * serializer writes through this): the history as hashes and small integers, the open days with
 * their evidence ids. Counts and integral feature values are varints, so a quiet person's history
 * costs a few hundred bytes and a heavy one's is bounded by the capacities of its hash sets. The
 * rules are not written: the reader gets an unbound state ({@link DailyFeatures#bind}).
 */
public final class DailyFeaturesCodec {
  /** Bumped when the layout changes; a reader refuses a layout it does not know. */
  public static final int FORMAT = 1;

  private DailyFeaturesCodec() {}

  public static void write(DailyFeatures f, DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    out.writeLong(f.fingerprint);
    writeString(out, f.personId());
    writeVarLong(out, f.daysSeen);
    out.writeLong(f.lastClosed);
    for (long c : f.hourCounts) {
      writeVarLong(out, c);
    }
    writeSet(out, f.knownIps);
    writeVarLong(out, f.knownResources.length);
    for (LongSet s : f.knownResources) {
      out.writeBoolean(s != null);
      if (s != null) {
        writeSet(out, s);
      }
    }
    writeVarLong(out, f.recent.length);
    writeVarLong(out, f.recentCount);
    writeVarLong(out, f.recentNext);
    for (double[] v : f.recent) {
      out.writeBoolean(v != null);
      if (v != null) {
        writeVarLong(out, v.length);
        for (double x : v) {
          writeValue(out, x);
        }
      }
    }
    writeVarLong(out, f.open.size());
    for (DayAccumulator a : f.open.values()) {
      writeDay(out, a);
    }
  }

  public static DailyFeatures read(DataInput in) throws IOException {
    int format = in.readUnsignedByte();
    if (format != FORMAT) {
      throw new IOException("anomaly state layout " + format + " is not the supported " + FORMAT);
    }
    long fingerprint = in.readLong();
    String person = readString(in);
    int daysSeen = (int) readVarLong(in);
    long lastClosed = in.readLong();
    long[] hours = new long[24];
    for (int h = 0; h < 24; h++) {
      hours[h] = readVarLong(in);
    }
    LongSet ips = readSet(in);
    LongSet[] known = new LongSet[(int) readVarLong(in)];
    for (int i = 0; i < known.length; i++) {
      known[i] = in.readBoolean() ? readSet(in) : null;
    }
    double[][] recent = new double[(int) readVarLong(in)][];
    int recentCount = (int) readVarLong(in);
    int recentNext = (int) readVarLong(in);
    for (int j = 0; j < recent.length; j++) {
      if (in.readBoolean()) {
        double[] v = new double[(int) readVarLong(in)];
        for (int i = 0; i < v.length; i++) {
          v[i] = readValue(in);
        }
        recent[j] = v;
      }
    }
    DailyFeatures f = new DailyFeatures(fingerprint, person, known, recent);
    f.daysSeen = daysSeen;
    f.lastClosed = lastClosed;
    System.arraycopy(hours, 0, f.hourCounts, 0, 24);
    f.knownIps = ips;
    f.recentCount = recentCount;
    f.recentNext = recentNext;
    int open = (int) readVarLong(in);
    for (int i = 0; i < open; i++) {
      DayAccumulator a = readDay(in);
      f.open.put(a.day, a);
    }
    return f;
  }

  /** An empty, unbound state (for serializers that must be able to make an instance). */
  public static DailyFeatures empty() {
    return new DailyFeatures(0L, "", new LongSet[0], new double[0][]);
  }

  /** A deep copy that keeps the binding to the rules. */
  public static DailyFeatures copy(DailyFeatures f) {
    return f.copy();
  }

  public static byte[] toBytes(DailyFeatures f) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(f, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static DailyFeatures fromBytes(byte[] b) {
    try {
      return read(new DataInputStream(new ByteArrayInputStream(b)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeDay(DataOutput out, DayAccumulator a) throws IOException {
    int n = a.counts.length;
    out.writeLong(a.day);
    writeVarLong(out, n);
    writeVarLong(out, a.total);
    writeVarLong(out, a.failures);
    out.writeLong(a.first);
    out.writeLong(a.last);
    for (int c : a.counts) {
      writeVarLong(out, c);
    }
    for (int i = 0; i < n; i++) {
      out.writeBoolean(a.keys[i] != null);
      if (a.keys[i] != null) {
        writeSet(out, a.keys[i]);
      }
      out.writeBoolean(a.keyEvidence[i] != null);
      if (a.keyEvidence[i] != null) {
        writeEvidenceMap(out, a.keyEvidence[i]);
      }
      String[] ids = a.evidence[i];
      out.writeBoolean(ids != null);
      if (ids != null) {
        writeVarLong(out, ids.length);
        for (String id : ids) {
          writeNullableString(out, id);
        }
      }
    }
    writeSet(out, a.ips);
    writeEvidenceMap(out, a.ipEvidence);
    for (int h = 0; h < 24; h++) {
      writeVarLong(out, a.hours[h]);
      writeNullableString(out, a.hourEvidence[h]);
    }
  }

  private static DayAccumulator readDay(DataInput in) throws IOException {
    long day = in.readLong();
    int n = (int) readVarLong(in);
    DayAccumulator a = new DayAccumulator(day, n);
    a.total = (int) readVarLong(in);
    a.failures = (int) readVarLong(in);
    a.first = in.readLong();
    a.last = in.readLong();
    for (int i = 0; i < n; i++) {
      a.counts[i] = (int) readVarLong(in);
    }
    for (int i = 0; i < n; i++) {
      if (in.readBoolean()) {
        a.keys[i] = readSet(in);
      }
      if (in.readBoolean()) {
        a.keyEvidence[i] = new EvidenceMap(DayAccumulator.MAX_KEYS_PER_DAY);
        readEvidenceMap(in, a.keyEvidence[i]);
      }
      if (in.readBoolean()) {
        String[] ids = new String[(int) readVarLong(in)];
        long[] ranks = new long[ids.length];
        Arrays.fill(ranks, Long.MAX_VALUE);
        for (int j = 0; j < ids.length; j++) {
          ids[j] = readNullableString(in);
          if (ids[j] != null) {
            ranks[j] = LongSet.hash(ids[j]);
          }
        }
        a.evidence[i] = ids;
        a.evidenceRank[i] = ranks;
      }
    }
    LongSet ips = readSet(in);
    for (long h : ips.toArray()) {
      a.ips.add(h);
    }
    readEvidenceMap(in, a.ipEvidence);
    for (int h = 0; h < 24; h++) {
      a.hours[h] = (int) readVarLong(in);
      a.hourEvidence[h] = readNullableString(in);
      if (a.hourEvidence[h] != null) {
        a.hourRank[h] = LongSet.hash(a.hourEvidence[h]);
      }
    }
    return a;
  }

  private static void writeSet(DataOutput out, LongSet s) throws IOException {
    long[] v = s.toArray();
    writeVarLong(out, s.capacity());
    writeVarLong(out, v.length);
    for (long x : v) {
      out.writeLong(x);
    }
  }

  private static LongSet readSet(DataInput in) throws IOException {
    LongSet s = new LongSet((int) readVarLong(in));
    int n = (int) readVarLong(in);
    for (int i = 0; i < n; i++) {
      s.add(in.readLong());
    }
    return s;
  }

  private static void writeEvidenceMap(DataOutput out, EvidenceMap m) throws IOException {
    long[] keys = m.keys();
    writeVarLong(out, keys.length);
    for (long k : keys) {
      out.writeLong(k);
      writeString(out, m.get(k));
    }
  }

  private static void readEvidenceMap(DataInput in, EvidenceMap into) throws IOException {
    int n = (int) readVarLong(in);
    for (int i = 0; i < n; i++) {
      long k = in.readLong();
      into.restore(k, readString(in));
    }
  }

  /** A non-negative integral value as a varint of value*2, anything else as 1 then the double. */
  private static void writeValue(DataOutput out, double x) throws IOException {
    if (x >= 0 && x < (1L << 40) && x == Math.rint(x) && !(x == 0 && 1 / x < 0)) {
      writeVarLong(out, ((long) x) << 1);
    } else {
      writeVarLong(out, 1);
      out.writeDouble(x);
    }
  }

  private static double readValue(DataInput in) throws IOException {
    long v = readVarLong(in);
    if ((v & 1) == 0) {
      return (double) (v >>> 1);
    }
    return in.readDouble();
  }

  private static void writeNullableString(DataOutput out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static String readNullableString(DataInput in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  private static void writeString(DataOutput out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarLong(out, b.length);
    out.write(b);
  }

  private static String readString(DataInput in) throws IOException {
    int n = (int) readVarLong(in);
    if (n < 0 || n > (1 << 24)) {
      throw new IOException("anomaly state: a string of " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static void writeVarLong(DataOutput out, long v) throws IOException {
    if (v < 0) {
      throw new IOException("anomaly state: negative count " + v);
    }
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  static long readVarLong(DataInput in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("anomaly state: malformed varint");
  }
}
