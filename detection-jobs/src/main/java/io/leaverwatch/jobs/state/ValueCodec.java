package io.leaverwatch.jobs.state;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How one state value class is written, read and copied, field by field and in one place: a field
 * added to the class is added to the three methods of its codec, side by side. {@code format} is
 * the record format the enclosing serializer read from the record (see {@link
 * PersonStateSerializer#FORMAT}).
 */
interface ValueCodec<T> {
  void write(T value, DataOutputView out) throws IOException;

  T read(DataInputView in, int format) throws IOException;

  /** A copy that shares nothing mutable with {@code value} (strings are shared). */
  T copy(T value);
}
