package io.leaverwatch.jobs.bounded;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes a bounded run's output as NDJSON sorted by id, keeping the last version of each id (a
 * finding is emitted again each time it grows). The file is written at end of input, atomically, so
 * the same input gives byte-identical output. Run it with parallelism 1.
 */
public final class SortedNdjsonSink<T> implements Sink<T> {
  /** The id and the JSON line of an element. */
  public interface Lines<T> extends Serializable {
    String id(T element);

    String json(T element);
  }

  private final String path;
  private final Lines<T> lines;

  public SortedNdjsonSink(Path path, Lines<T> lines) {
    this.path = path.toString();
    this.lines = lines;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new Writer<>(Path.of(path), lines);
  }

  private static final class Writer<T> implements SinkWriter<T> {
    private final Path path;
    private final Lines<T> lines;
    private final TreeMap<String, String> latest = new TreeMap<>();
    private boolean written;

    Writer(Path path, Lines<T> lines) {
      this.path = path;
      this.lines = lines;
    }

    @Override
    public void write(T element, Context context) {
      latest.put(lines.id(element), lines.json(element));
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      if (endOfInput && !written) {
        written = true;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          for (Map.Entry<String, String> e : latest.entrySet()) {
            w.write(e.getValue());
            w.write('\n');
          }
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }

    @Override
    public void close() {}
  }
}
