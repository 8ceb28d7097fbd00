package io.leaverwatch.jobs.state;

import io.leaverwatch.jobs.serde.Utf8Strings;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The collections the state codecs share (maps of strings and of longs, nullable longs). Strings
 * are shared by copies (they are immutable); everything mutable is copied. Strings are written by
 * {@link Utf8Strings}.
 */
final class StateCodec {
  private StateCodec() {}

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
