package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.PersonState;
import io.leaverwatch.jobs.serde.FormatSnapshot;
import io.leaverwatch.jobs.serde.MutableRecordSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The person state's own serializer. Kryo, which Flink falls back to for the state's sorted maps,
 * walked every object by reflection with reference tracking: a checkpoint of 4,000 people (≈90 MB)
 * took seconds of CPU, and while one ran, every person the job touched was deep-copied by Kryo too
 * (the heap backend copies state on write during a snapshot). This writes and copies field by
 * field, through one {@link ValueCodec} per value class. Each record starts with its format number
 * ({@link #FORMAT}), and one of another format is refused with both numbers named; a field added to
 * a state class must be added to its codec, and {@code PersonStateSerializerTest} fails until it
 * is.
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
    return PersonStateCodec.INSTANCE.copy(from);
  }

  @Override
  public void serialize(PersonState s, DataOutputView out) throws IOException {
    out.writeByte(FORMAT);
    PersonStateCodec.INSTANCE.write(s, out);
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
    return PersonStateCodec.INSTANCE.read(in, format);
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
