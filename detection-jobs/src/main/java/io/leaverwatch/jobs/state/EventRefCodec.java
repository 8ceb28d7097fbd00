package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.EventRef;
import io.leaverwatch.jobs.serde.Utf8Strings;
import java.io.IOException;
import java.util.ArrayList;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** An event kept in state; its copy is {@link EventRef#copy}, which the detectors use too. */
final class EventRefCodec implements ValueCodec<EventRef> {
  static final EventRefCodec INSTANCE = new EventRefCodec();

  @Override
  public void write(EventRef r, DataOutputView out) throws IOException {
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

  @Override
  public EventRef read(DataInputView in, int format) throws IOException {
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

  @Override
  public EventRef copy(EventRef r) {
    return r.copy();
  }

  void writeList(ArrayList<EventRef> refs, DataOutputView out) throws IOException {
    out.writeInt(refs.size());
    for (EventRef r : refs) {
      write(r, out);
    }
  }

  ArrayList<EventRef> readList(DataInputView in, int format) throws IOException {
    int n = in.readInt();
    ArrayList<EventRef> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      refs.add(read(in, format));
    }
    return refs;
  }

  ArrayList<EventRef> copyList(ArrayList<EventRef> refs) {
    ArrayList<EventRef> copy = new ArrayList<>(refs.size());
    for (EventRef r : refs) {
      copy.add(r.copy());
    }
    return copy;
  }
}
