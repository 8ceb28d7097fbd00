package io.leaverwatch.ingest.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/** Appends one JSON line per record and fsyncs before {@link #send} returns. */
public final class NdjsonFileSink<T> implements RecordSink<T> {

  /** Renders one record as a single JSON line (no trailing newline). */
  @FunctionalInterface
  public interface LineFormat<T> {
    String line(T record) throws IOException;
  }

  private static final int TAIL_BYTES = 4 << 20;
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
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
    // One writer per file (this sink); positional writes at the end act as appends and keep the
    // channel readable for holds().
    long at = channel.size();
    while (buf.hasRemaining()) {
      at += channel.write(buf, at);
    }
    channel.force(true);
  }

  @Override
  public synchronized Optional<Boolean> holds(T record) throws IOException {
    byte[] line = (format.line(record) + "\n").getBytes(StandardCharsets.UTF_8);
    long size = channel.size();
    // Other connectors may share the file, so look through its tail, not only the last line.
    long from = Math.max(0, size - Math.max(TAIL_BYTES, line.length + 1L));
    ByteBuffer tail = ByteBuffer.allocate((int) (size - from));
    while (tail.hasRemaining()) {
      if (channel.read(tail, from + tail.position()) < 0) {
        break;
      }
    }
    String text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
    String wanted = new String(line, StandardCharsets.UTF_8);
    return Optional.of(text.startsWith(wanted) && from == 0 || text.contains("\n" + wanted));
  }

  /** One positional write per batch: a batch's last line on disk means every line before it is. */
  @Override
  public boolean lastRecordProvesBatch() {
    return true;
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
