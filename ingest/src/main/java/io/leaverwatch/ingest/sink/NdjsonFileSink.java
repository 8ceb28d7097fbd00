package io.leaverwatch.ingest.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Appends one JSON line per record and fsyncs before {@link #send} returns. */
public final class NdjsonFileSink<T> implements RecordSink<T> {

  /** Renders one record as a single JSON line (no trailing newline). */
  @FunctionalInterface
  public interface LineFormat<T> {
    String line(T record) throws IOException;
  }

  private final Path path;
  private final LineFormat<T> format;
  private final FileChannel channel;

  public NdjsonFileSink(Path path, LineFormat<T> format) throws IOException {
    this.path = path;
    this.format = format;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void send(List<T> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (T r : batch) {
      sb.append(format.line(r)).append('\n');
    }
    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    channel.force(true);
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
