package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.IpState;
import io.leaverwatch.jobs.serde.FormatSnapshot;
import io.leaverwatch.jobs.serde.MutableRecordSerializer;
import io.leaverwatch.jobs.serde.Utf8Strings;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The known-IP detector's state, field by field, for the reasons given on {@link
 * PersonStateSerializer}.
 */
public final class IpStateSerializer extends MutableRecordSerializer<IpState> {
  public static final IpStateSerializer INSTANCE = new IpStateSerializer();

  /** 1: strings as Flink's StringValue; 2: as {@link Utf8Strings}. */
  private static final int FORMAT = 2;

  @Override
  public IpState createInstance() {
    return new IpState();
  }

  @Override
  public IpState copy(IpState from) {
    IpState c = new IpState();
    for (Map.Entry<String, TreeMap<Long, Long>> e : from.daysByPerson.entrySet()) {
      c.daysByPerson.put(e.getKey(), new TreeMap<>(e.getValue()));
    }
    c.recent = StateCodec.copyRefs(from.recent);
    c.shared = from.shared;
    c.latest = from.latest;
    return c;
  }

  @Override
  public void serialize(IpState s, DataOutputView out) throws IOException {
    out.writeByte(FORMAT);
    out.writeInt(s.daysByPerson.size());
    for (Map.Entry<String, TreeMap<Long, Long>> e : s.daysByPerson.entrySet()) {
      Utf8Strings.write(e.getKey(), out);
      out.writeInt(e.getValue().size());
      for (Map.Entry<Long, Long> d : e.getValue().entrySet()) {
        out.writeLong(d.getKey());
        out.writeLong(d.getValue());
      }
    }
    StateCodec.writeRefs(s.recent, out);
    out.writeBoolean(s.shared);
    out.writeLong(s.latest);
  }

  @Override
  public IpState deserialize(DataInputView in) throws IOException {
    int format = in.readByte();
    if (format != FORMAT) {
      throw new IOException(
          "IP state written in format " + format + ", this version reads format " + FORMAT);
    }
    IpState s = new IpState();
    int people = in.readInt();
    for (int i = 0; i < people; i++) {
      String person = Utf8Strings.read(in);
      int days = in.readInt();
      TreeMap<Long, Long> byDay = new TreeMap<>();
      for (int j = 0; j < days; j++) {
        long day = in.readLong();
        byDay.put(day, in.readLong());
      }
      s.daysByPerson.put(person, byDay);
    }
    s.recent = StateCodec.readRefs(in);
    s.shared = in.readBoolean();
    s.latest = in.readLong();
    return s;
  }

  @Override
  public TypeSerializerSnapshot<IpState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores this serializer from a checkpoint; public with no arguments, as Flink requires. */
  public static final class Snapshot extends FormatSnapshot<IpState> {
    public Snapshot() {
      super("IP state", () -> INSTANCE, FORMAT, FORMAT, FORMAT);
    }
  }
}
