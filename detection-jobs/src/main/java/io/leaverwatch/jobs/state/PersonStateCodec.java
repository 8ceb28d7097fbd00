package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.ActivityBucket;
import io.leaverwatch.core.detect.PersonState;
import io.leaverwatch.jobs.serde.Utf8Strings;
import io.leaverwatch.schema.DepartureStatus;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** A person's detector state, without its format byte (the serializer writes and checks it). */
final class PersonStateCodec implements ValueCodec<PersonState> {
  static final PersonStateCodec INSTANCE = new PersonStateCodec();

  private static final ActivityBucketCodec BUCKETS = ActivityBucketCodec.INSTANCE;
  private static final EventRefCodec REFS = EventRefCodec.INSTANCE;

  @Override
  public void write(PersonState s, DataOutputView out) throws IOException {
    Utf8Strings.write(s.personId, out);
    Utf8Strings.write(s.email, out);
    Utf8Strings.write(s.role, out);
    StateCodec.writeNullableLong(s.noticeAt, out);
    StateCodec.writeNullableLong(s.departedAt, out);
    // by name, as the strings of formats 2 and 3 were
    Utf8Strings.write(s.status == null ? null : s.status.name(), out);
    StateCodec.writeStringMap(s.identities, out);
    out.writeInt(s.activity.size());
    for (Map.Entry<Long, ActivityBucket> e : s.activity.entrySet()) {
      out.writeLong(e.getKey());
      BUCKETS.write(e.getValue(), out);
    }
    REFS.writeList(s.notable, out);
    StateCodec.writeLongMap(s.accessKeys, out);
    StateCodec.writeLongMap(s.grants, out);
    out.writeLong(s.latestEventTime);
    out.writeLong(s.deadlinesJudgedUntil);
  }

  @Override
  public PersonState read(DataInputView in, int format) throws IOException {
    PersonState s = new PersonState();
    s.personId = Utf8Strings.read(in);
    s.email = Utf8Strings.read(in);
    s.role = Utf8Strings.read(in);
    s.noticeAt = StateCodec.readNullableLong(in);
    s.departedAt = StateCodec.readNullableLong(in);
    String status = Utf8Strings.read(in);
    s.status = status == null ? null : DepartureStatus.valueOf(status);
    s.identities = StateCodec.readStringMap(in);
    int buckets = in.readInt();
    for (int i = 0; i < buckets; i++) {
      long key = in.readLong();
      s.activity.put(key, BUCKETS.read(in, format));
    }
    s.notable = REFS.readList(in, format);
    s.accessKeys = StateCodec.readLongMap(in);
    s.grants = StateCodec.readLongMap(in);
    s.latestEventTime = in.readLong();
    s.deadlinesJudgedUntil = in.readLong();
    return s;
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
      activity.put(e.getKey(), BUCKETS.copy(e.getValue()));
    }
    c.activity = activity;
    c.notable = REFS.copyList(from.notable);
    c.accessKeys = new TreeMap<>(from.accessKeys);
    c.grants = new TreeMap<>(from.grants);
    c.latestEventTime = from.latestEventTime;
    c.deadlinesJudgedUntil = from.deadlinesJudgedUntil;
    return c;
  }
}
