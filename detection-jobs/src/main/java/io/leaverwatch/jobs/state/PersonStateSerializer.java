package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.ActivityBucket;
import io.leaverwatch.core.detect.PersonState;
import io.leaverwatch.jobs.serde.FormatSnapshot;
import io.leaverwatch.jobs.serde.MutableRecordSerializer;
import io.leaverwatch.jobs.serde.Utf8Strings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The person state's own serializer. Kryo, which Flink falls back to for the state's sorted maps,
 * walked every object by reflection with reference tracking: a checkpoint of 4,000 people (≈90 MB)
 * took seconds of CPU, and while one ran, every person the job touched was deep-copied by Kryo too
 * (the heap backend copies state on write during a snapshot). This writes and copies field by
 * field. Each record starts with its format number ({@link #FORMAT}), and one of another format is
 * refused with both numbers named; a field added to {@link PersonState} must be added here, and
 * {@code PersonStateSerializerTest} fails until it is.
 */
public final class PersonStateSerializer extends MutableRecordSerializer<PersonState> {
  public static final PersonStateSerializer INSTANCE = new PersonStateSerializer();

  /**
   * 1: activity keyed by "SOURCE|hour" strings, strings as Flink's StringValue; 2: activity by
   * {@link PersonState#bucketKey}, strings as {@link Utf8Strings}; 3: each bucket also holds the id
   * hashes of its overflow events; 4: each bucket counts its failed overflow events instead of
   * flagging a success among them. Formats 2 and 3 are still read.
   */
  static final int FORMAT = 4;

  static final int OLDEST_READABLE = 2;

  @Override
  public PersonState createInstance() {
    return new PersonState();
  }

  @Override
  public PersonState copy(PersonState from) {
    PersonState c = new PersonState();
    c.personId = from.personId;
    c.email = from.email;
    c.role = from.role;
    c.noticeAt = from.noticeAt;
    c.departedAt = from.departedAt;
    c.status = from.status;
    c.identities = new TreeMap<>(from.identities);
    HashMap<Long, ActivityBucket> activity = new HashMap<>(from.activity.size() * 2);
    for (Map.Entry<Long, ActivityBucket> e : from.activity.entrySet()) {
      activity.put(e.getKey(), StateCodec.copyBucket(e.getValue()));
    }
    c.activity = activity;
    c.notable = StateCodec.copyRefs(from.notable);
    c.accessKeys = new TreeMap<>(from.accessKeys);
    c.grants = new TreeMap<>(from.grants);
    c.latestEventTime = from.latestEventTime;
    c.deadlinesJudgedUntil = from.deadlinesJudgedUntil;
    return c;
  }

  @Override
  public void serialize(PersonState s, DataOutputView out) throws IOException {
    out.writeByte(FORMAT);
    Utf8Strings.write(s.personId, out);
    Utf8Strings.write(s.email, out);
    Utf8Strings.write(s.role, out);
    StateCodec.writeNullableLong(s.noticeAt, out);
    StateCodec.writeNullableLong(s.departedAt, out);
    Utf8Strings.write(s.status, out);
    StateCodec.writeStringMap(s.identities, out);
    out.writeInt(s.activity.size());
    for (Map.Entry<Long, ActivityBucket> e : s.activity.entrySet()) {
      out.writeLong(e.getKey());
      StateCodec.writeBucket(e.getValue(), out);
    }
    StateCodec.writeRefs(s.notable, out);
    StateCodec.writeLongMap(s.accessKeys, out);
    StateCodec.writeLongMap(s.grants, out);
    out.writeLong(s.latestEventTime);
    out.writeLong(s.deadlinesJudgedUntil);
  }

  @Override
  public PersonState deserialize(DataInputView in) throws IOException {
    int format = in.readByte();
    if (format < OLDEST_READABLE || format > FORMAT) {
      throw new IOException(
          "person state written in format "
              + format
              + ", this version reads formats "
              + OLDEST_READABLE
              + " to "
              + FORMAT);
    }
    PersonState s = new PersonState();
    s.personId = Utf8Strings.read(in);
    s.email = Utf8Strings.read(in);
    s.role = Utf8Strings.read(in);
    s.noticeAt = StateCodec.readNullableLong(in);
    s.departedAt = StateCodec.readNullableLong(in);
    s.status = Utf8Strings.read(in);
    s.identities = StateCodec.readStringMap(in);
    int buckets = in.readInt();
    for (int i = 0; i < buckets; i++) {
      long key = in.readLong();
      s.activity.put(key, StateCodec.readBucket(in, format));
    }
    s.notable = StateCodec.readRefs(in);
    s.accessKeys = StateCodec.readLongMap(in);
    s.grants = StateCodec.readLongMap(in);
    s.latestEventTime = in.readLong();
    s.deadlinesJudgedUntil = in.readLong();
    return s;
  }

  @Override
  public TypeSerializerSnapshot<PersonState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores this serializer from a checkpoint; public with no arguments, as Flink requires. */
  public static final class Snapshot extends FormatSnapshot<PersonState> {
    public Snapshot() {
      // checkpoints from before the format was recorded in the snapshot hold format 3
      super("person state", () -> INSTANCE, FORMAT, OLDEST_READABLE, 3);
    }
  }
}
