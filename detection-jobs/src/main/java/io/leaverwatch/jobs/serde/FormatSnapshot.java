package io.leaverwatch.jobs.serde;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The snapshot of a hand-written serializer whose records carry a format number: it records the
 * format the checkpoint was written in, so that a restore is judged before the first record is
 * read. The current format is compatible as is; an older one the serializer still reads ({@code
 * oldestReadable} on) is compatible after migration (every record is read with the format it was
 * written in and written again in the current one); any other one is refused by {@link
 * #readSnapshot} with both numbers named.
 *
 * <p>Checkpoints from before this snapshot were written by Flink's {@code
 * SimpleTypeSerializerSnapshot} under the same class name (snapshot version 3, no payload): they
 * are read as {@code legacyFormat}, the format those versions wrote.
 */
public abstract class FormatSnapshot<T> implements TypeSerializerSnapshot<T> {
  /** 3: SimpleTypeSerializerSnapshot's (no payload); 4: the record format as an int. */
  private static final int VERSION = 4;

  private final String what;
  private final Supplier<? extends TypeSerializer<T>> serializer;
  private final int current;
  private final int oldestReadable;
  private final int legacyFormat;
  private int format;

  protected FormatSnapshot(
      String what,
      Supplier<? extends TypeSerializer<T>> serializer,
      int current,
      int oldestReadable,
      int legacyFormat) {
    this.what = what;
    this.serializer = serializer;
    this.current = current;
    this.oldestReadable = oldestReadable;
    this.legacyFormat = legacyFormat;
    this.format = current;
  }

  /** The record format of the checkpoint this snapshot describes. */
  public int format() {
    return format;
  }

  @Override
  public int getCurrentVersion() {
    return VERSION;
  }

  @Override
  public void writeSnapshot(DataOutputView out) throws IOException {
    out.writeInt(format);
  }

  @Override
  public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
      throws IOException {
    int read;
    if (readVersion <= 3) {
      read = legacyFormat;
    } else if (readVersion == VERSION) {
      read = in.readInt();
    } else {
      throw new IOException(
          what
              + " checkpoint has a snapshot of version "
              + readVersion
              + "; this version reads snapshots up to version "
              + VERSION);
    }
    if (read < oldestReadable || read > current) {
      throw new IOException(
          what
              + " checkpoint was written in format "
              + read
              + "; this version reads formats "
              + oldestReadable
              + " to "
              + current);
    }
    format = read;
  }

  @Override
  public TypeSerializer<T> restoreSerializer() {
    return serializer.get();
  }

  @Override
  public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
      TypeSerializerSnapshot<T> old) {
    if (!(old instanceof FormatSnapshot<T> o) || !o.getClass().equals(getClass())) {
      return TypeSerializerSchemaCompatibility.incompatible();
    }
    if (o.format == current) {
      return TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
    if (o.format >= oldestReadable && o.format < current) {
      return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
    }
    return TypeSerializerSchemaCompatibility.incompatible();
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && ((FormatSnapshot<?>) o).format == format;
  }

  @Override
  public int hashCode() {
    return getClass().hashCode() * 31 + format;
  }
}
