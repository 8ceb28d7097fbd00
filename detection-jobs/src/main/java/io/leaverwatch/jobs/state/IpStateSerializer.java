package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.IpState;
import io.leaverwatch.jobs.serde.FormatSnapshot;
import io.leaverwatch.jobs.serde.MutableRecordSerializer;
import java.io.IOException;
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
    return IpStateCodec.INSTANCE.copy(from);
  }

  @Override
  public void serialize(IpState s, DataOutputView out) throws IOException {
    out.writeByte(FORMAT);
    IpStateCodec.INSTANCE.write(s, out);
  }

  @Override
  public IpState deserialize(DataInputView in) throws IOException {
    int format = in.readByte();
    if (format != FORMAT) {
      throw new IOException(
          "IP state written in format " + format + ", this version reads format " + FORMAT);
    }
    return IpStateCodec.INSTANCE.read(in, format);
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
