package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.ActivityBucket;
import io.leaverwatch.core.detect.EventIdSet;
import io.leaverwatch.core.detect.EventRef;
import io.leaverwatch.jobs.serde.Utf8Strings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Field-by-field writing, reading and copying of the detectors' state parts. Strings are shared by
 * copies (they are immutable); everything mutable is copied. Strings are written by {@link
 * Utf8Strings}.
 */
final class StateCodec {
  private StateCodec() {}

  static void writeRef(EventRef r, DataOutputView out) throws IOException {
    Utf8Strings.write(r.eventId, out);
    out.writeLong(r.time);
    Utf8Strings.write(r.source, out);
    Utf8Strings.write(r.action, out);
    Utf8Strings.write(r.actionClass, out);
    int flags = (r.failed ? 1 : 0) | (r.actorApproved ? 2 : 0) | (r.selfAction ? 4 : 0);
    out.writeByte(flags);
    Utf8Strings.write(r.reason, out);
    Utf8Strings.write(r.sourceIp, out);
    Utf8Strings.write(r.identity, out);
    Utf8Strings.write(r.role, out);
    Utf8Strings.write(r.actorName, out);
    Utf8Strings.write(r.accessKeyId, out);
    Utf8Strings.write(r.raw, out);
  }

  static EventRef readRef(DataInputView in) throws IOException {
    EventRef r = new EventRef();
    r.eventId = Utf8Strings.read(in);
    r.time = in.readLong();
    r.source = Utf8Strings.read(in);
    r.action = Utf8Strings.read(in);
    r.actionClass = Utf8Strings.read(in);
    int flags = in.readByte();
    r.failed = (flags & 1) != 0;
    r.actorApproved = (flags & 2) != 0;
    r.selfAction = (flags & 4) != 0;
    r.reason = Utf8Strings.read(in);
    r.sourceIp = Utf8Strings.read(in);
    r.identity = Utf8Strings.read(in);
    r.role = Utf8Strings.read(in);
    r.actorName = Utf8Strings.read(in);
    r.accessKeyId = Utf8Strings.read(in);
    r.raw = Utf8Strings.read(in);
    return r;
  }

  static void writeRefs(ArrayList<EventRef> refs, DataOutputView out) throws IOException {
    out.writeInt(refs.size());
    for (EventRef r : refs) {
      writeRef(r, out);
    }
  }

  static ArrayList<EventRef> readRefs(DataInputView in) throws IOException {
    int n = in.readInt();
    ArrayList<EventRef> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      refs.add(readRef(in));
    }
    return refs;
  }

  static ArrayList<EventRef> copyRefs(ArrayList<EventRef> refs) {
    ArrayList<EventRef> copy = new ArrayList<>(refs.size());
    for (EventRef r : refs) {
      copy.add(r.copy());
    }
    return copy;
  }

  static void writeBucket(ActivityBucket b, DataOutputView out) throws IOException {
    Utf8Strings.write(b.source, out);
    out.writeLong(b.hourStart);
    writeRefs(b.refs, out);
    out.writeLong(b.overflowCount);
    out.writeLong(b.overflowFirst);
    out.writeLong(b.overflowLast);
    out.writeLong(b.overflowFailures);
    long[] ids = b.overflowIds.hashes();
    out.writeInt(ids.length);
    for (long h : ids) {
      out.writeLong(h);
    }
  }

  /** A bucket as {@code format} wrote it (see {@link PersonStateSerializer#FORMAT}). */
  static ActivityBucket readBucket(DataInputView in, int format) throws IOException {
    ActivityBucket b = new ActivityBucket();
    b.source = Utf8Strings.read(in);
    b.hourStart = in.readLong();
    b.refs = readRefs(in);
    b.overflowCount = in.readLong();
    b.overflowFirst = in.readLong();
    b.overflowLast = in.readLong();
    if (format >= 4) {
      b.overflowFailures = in.readLong();
    } else {
      // formats 2 and 3 kept only whether one overflow event succeeded: none did, all failed
      b.overflowFailures = in.readBoolean() ? 0 : b.overflowCount;
    }
    if (format >= 3) {
      long[] ids = new long[in.readInt()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = in.readLong();
      }
      b.overflowIds = EventIdSet.ofHashes(ids);
    }
    return b;
  }

  static ActivityBucket copyBucket(ActivityBucket b) {
    ActivityBucket c = new ActivityBucket();
    c.source = b.source;
    c.hourStart = b.hourStart;
    c.refs = copyRefs(b.refs);
    c.overflowCount = b.overflowCount;
    c.overflowFirst = b.overflowFirst;
    c.overflowLast = b.overflowLast;
    c.overflowFailures = b.overflowFailures;
    c.overflowIds = b.overflowIds.copy();
    return c;
  }

  static void writeStringMap(TreeMap<String, String> m, DataOutputView out) throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      Utf8Strings.write(e.getKey(), out);
      Utf8Strings.write(e.getValue(), out);
    }
  }

  static TreeMap<String, String> readStringMap(DataInputView in) throws IOException {
    int n = in.readInt();
    TreeMap<String, String> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put(Utf8Strings.read(in), Utf8Strings.read(in));
    }
    return m;
  }

  static void writeLongMap(TreeMap<String, Long> m, DataOutputView out) throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, Long> e : m.entrySet()) {
      Utf8Strings.write(e.getKey(), out);
      out.writeLong(e.getValue());
    }
  }

  static TreeMap<String, Long> readLongMap(DataInputView in) throws IOException {
    int n = in.readInt();
    TreeMap<String, Long> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put(Utf8Strings.read(in), in.readLong());
    }
    return m;
  }

  static void writeNullableLong(Long v, DataOutputView out) throws IOException {
    out.writeBoolean(v != null);
    if (v != null) {
      out.writeLong(v);
    }
  }

  static Long readNullableLong(DataInputView in) throws IOException {
    return in.readBoolean() ? in.readLong() : null;
  }
}
