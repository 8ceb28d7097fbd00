package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.IpState;
import io.leaverwatch.jobs.serde.Utf8Strings;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** The known-IP detector's state of one IP, without its format byte. */
final class IpStateCodec implements ValueCodec<IpState> {
  static final IpStateCodec INSTANCE = new IpStateCodec();

  private static final EventRefCodec REFS = EventRefCodec.INSTANCE;

  @Override
  public void write(IpState s, DataOutputView out) throws IOException {
    out.writeInt(s.daysByPerson.size());
    for (Map.Entry<String, TreeMap<Long, Long>> e : s.daysByPerson.entrySet()) {
      Utf8Strings.write(e.getKey(), out);
      out.writeInt(e.getValue().size());
      for (Map.Entry<Long, Long> d : e.getValue().entrySet()) {
        out.writeLong(d.getKey());
        out.writeLong(d.getValue());
      }
    }
    REFS.writeList(s.recent, out);
    out.writeBoolean(s.shared);
    out.writeLong(s.latest);
  }

  @Override
  public IpState read(DataInputView in, int format) throws IOException {
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
    s.recent = REFS.readList(in, format);
    s.shared = in.readBoolean();
    s.latest = in.readLong();
    return s;
  }

  @Override
  public IpState copy(IpState from) {
    IpState c = new IpState();
    for (Map.Entry<String, TreeMap<Long, Long>> e : from.daysByPerson.entrySet()) {
      c.daysByPerson.put(e.getKey(), new TreeMap<>(e.getValue()));
    }
    c.recent = REFS.copyList(from.recent);
    c.shared = from.shared;
    c.latest = from.latest;
    return c;
  }
}
