package io.leaverwatch.core.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Streams {@link RawAuditRecord}s out of files and folders without holding more than one record in
 * memory.
 *
 * <ul>
 *   <li>Folders are walked recursively in sorted path order (the same input always yields the same
 *       sequence); only names ending in .json, .ndjson, .jsonl, .log or .txt (optionally .gz) are
 *       taken from folders. A file named explicitly is always read.
 *   <li>Gzip is recognised by its magic bytes, not its name.
 *   <li>NDJSON (the first non-blank line is a complete JSON value): one record per non-blank line,
 *       cursor {@code line N}, the payload the line's bytes without its line break.
 *   <li>Otherwise, when the file starts with a bare {@code {} or {@code [} line or is one JSON
 *       document spread over lines (an S3 CloudTrail file {@code {"Records":[...]}}), the whole file
 *       is one record with cursor {@code doc}.
 *   <li>A record longer than the limit is not loaded: it comes out as {@link ReadItem.Oversized}.
 * </ul>
 */
public final class RecordReader implements Iterator<ReadItem>, Closeable {
  public static final int DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
  public static final int OVERSIZED_HEAD_BYTES = 4096;
  private static final int PROBE_BYTES = 64 * 1024;
  private static final List<String> FOLDER_SUFFIXES =
      List.of(".json", ".ndjson", ".jsonl", ".log", ".txt");

  private final Iterator<Path> files;
  private final Clock clock;
  private final int maxRecordBytes;
  private FileCursor current;
  private ReadItem next;

  private RecordReader(List<Path> files, Clock clock, int maxRecordBytes) {
    this.files = files.iterator();
    this.clock = clock;
    this.maxRecordBytes = maxRecordBytes;
  }

  public static RecordReader open(List<Path> inputs, Clock clock) {
    return open(inputs, clock, DEFAULT_MAX_RECORD_BYTES);
  }

  public static RecordReader open(List<Path> inputs, Clock clock, int maxRecordBytes) {
    return new RecordReader(expand(inputs), clock, maxRecordBytes);
  }

  /** The files {@code inputs} stand for, in reading order; fails on a missing or unreadable one. */
  public static List<Path> expand(List<Path> inputs) {
    List<Path> out = new ArrayList<>();
    for (Path in : inputs) {
      if (Files.isDirectory(in)) {
        try (Stream<Path> walk = Files.walk(in)) {
          out.addAll(
              walk.filter(Files::isRegularFile)
                  .filter(RecordReader::takenFromFolder)
                  .sorted()
                  .collect(Collectors.toList()));
        } catch (IOException | UncheckedIOException e) {
          throw new UnreadableInputException("cannot list folder " + in + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(in) && Files.isReadable(in)) {
        out.add(in);
      } else if (!Files.exists(in)) {
        throw new UnreadableInputException("input not found: " + in, null);
      } else {
        throw new UnreadableInputException("input not readable: " + in, null);
      }
    }
    return out;
  }

  static boolean takenFromFolder(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.startsWith(".")) {
      return false;
    }
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    for (String s : FOLDER_SUFFIXES) {
      if (name.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      if (current == null) {
        if (!files.hasNext()) {
          return false;
        }
        current = new FileCursor(files.next());
      }
      next = current.next();
      if (next == null) {
        current.close();
        current = null;
      }
    }
    return true;
  }

  @Override
  public ReadItem next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ReadItem item = next;
    next = null;
    return item;
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /** The items of one file. */
  private final class FileCursor {
    private final Path path;
    private final String origin;
    private InputStream in;
    private boolean document;
    private boolean documentDone;
    private long lineNo;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;

    FileCursor(Path path) {
      this.path = path;
      this.origin = path.toString();
      try {
        document = isSingleDocument();
        in = openStream();
      } catch (IOException e) {
        throw unreadable(e);
      }
    }

    ReadItem next() {
      try {
        return document ? readDocument() : readLine();
      } catch (IOException e) {
        throw unreadable(e);
      }
    }

    private UnreadableInputException unreadable(IOException e) {
      String where = document || lineNo == 0 ? "" : " near line " + lineNo;
      return new UnreadableInputException(
          "cannot read "
              + path
              + where
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }

    private InputStream openStream() throws IOException {
      BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(path), 64 * 1024);
      raw.mark(2);
      int b1 = raw.read();
      int b2 = raw.read();
      raw.reset();
      if (b1 == 0x1f && b2 == 0x8b) {
        return new GZIPInputStream(raw, 64 * 1024);
      }
      return raw;
    }

    /** Decides NDJSON versus one document, streaming (never loading the file). */
    private boolean isSingleDocument() throws IOException {
      // buffered: the probe reads byte by byte, and a gzip stream inflates per call otherwise
      try (InputStream s = new java.io.BufferedInputStream(openStream(), 64 * 1024)) {
        byte[] first = firstNonBlankLine(s, PROBE_BYTES);
        if (first == null) {
          return false;
        }
        if (first.length >= PROBE_BYTES) {
          // a long first line (a compact S3 log file is one line) is read as a line: same record
          return false;
        }
        String trimmed =
            new String(
                    first, 0, Math.min(first.length, 64), java.nio.charset.StandardCharsets.UTF_8)
                .trim();
        if (trimmed.equals("{") || trimmed.equals("[")) {
          return true;
        }
        if (trimmed.isEmpty() || (trimmed.charAt(0) != '{' && trimmed.charAt(0) != '[')) {
          return false;
        }
        if (isCompleteJson(first)) {
          return false;
        }
      }
      try (InputStream s = openStream()) {
        return isOneJsonValue(s);
      }
    }

    private ReadItem readDocument() throws IOException {
      if (documentDone) {
        return null;
      }
      documentDone = true;
      byte[] head = in.readNBytes(maxRecordBytes + 1);
      if (head.length > maxRecordBytes) {
        long size = head.length + in.transferTo(OutputStreamSink.INSTANCE);
        return new ReadItem.Oversized(
            origin,
            "doc",
            size,
            maxRecordBytes,
            Arrays.copyOf(head, Math.min(head.length, OVERSIZED_HEAD_BYTES)));
      }
      return new ReadItem.Record(record("doc", head));
    }

    private ReadItem readLine() throws IOException {
      while (true) {
        if (pos >= limit && !fill()) {
          return null;
        }
        lineNo++;
        LineBytes line = collectLine();
        if (line.oversized) {
          return new ReadItem.Oversized(
              origin, "line " + lineNo, line.size, maxRecordBytes, line.bytes);
        }
        if (!isBlank(line.bytes)) {
          return new ReadItem.Record(record("line " + lineNo, line.bytes));
        }
      }
    }

    private LineBytes collectLine() throws IOException {
      byte[] acc = null;
      int accLen = 0;
      long size = 0;
      boolean oversized = false;
      while (true) {
        if (pos >= limit && !fill()) {
          break;
        }
        int start = pos;
        int nl = -1;
        for (int i = pos; i < limit; i++) {
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        }
        int end = nl < 0 ? limit : nl;
        int n = end - start;
        size += n;
        if (!oversized) {
          if (size > maxRecordBytes) {
            oversized = true;
            int keep = Math.max(0, Math.min(n, OVERSIZED_HEAD_BYTES - accLen));
            acc = append(acc, accLen, buf, start, keep);
            accLen += keep;
          } else {
            acc = append(acc, accLen, buf, start, n);
            accLen += n;
          }
        }
        pos = nl < 0 ? limit : nl + 1;
        if (nl >= 0) {
          break;
        }
      }
      if (!oversized && accLen > 0 && acc[accLen - 1] == '\r') {
        accLen--;
      }
      byte[] bytes =
          acc == null ? new byte[0] : (acc.length == accLen ? acc : Arrays.copyOf(acc, accLen));
      if (oversized) {
        bytes = Arrays.copyOf(bytes, Math.min(bytes.length, OVERSIZED_HEAD_BYTES));
      }
      return new LineBytes(bytes, size, oversized);
    }

    private boolean fill() throws IOException {
      if (eof) {
        return false;
      }
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        eof = true;
        pos = limit = 0;
        return false;
      }
      pos = 0;
      limit = n;
      return true;
    }

    private RawAuditRecord record(String cursor, byte[] payload) {
      return new RawAuditRecord(
          null, clock.instant(), origin, cursor, ByteBuffer.wrap(payload), null);
    }

    void close() {
      try {
        if (in != null) {
          in.close();
        }
      } catch (IOException ignored) {
        // read-only stream: nothing was lost
      }
    }
  }

  private record LineBytes(byte[] bytes, long size, boolean oversized) {}

  private static byte[] append(byte[] acc, int accLen, byte[] src, int from, int n) {
    if (n == 0) {
      return acc == null ? new byte[0] : acc;
    }
    if (acc == null) {
      return Arrays.copyOfRange(src, from, from + n);
    }
    if (accLen + n > acc.length) {
      acc = Arrays.copyOf(acc, Math.max(accLen + n, acc.length * 2));
    }
    System.arraycopy(src, from, acc, accLen, n);
    return acc;
  }

  private static byte[] firstNonBlankLine(InputStream s, int cap) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    int b;
    while ((b = s.read()) != -1) {
      if (b == '\n') {
        if (!isBlank(line.toByteArray())) {
          return line.toByteArray();
        }
        line.reset();
      } else if (line.size() < cap) {
        line.write(b);
      } else {
        return line.toByteArray();
      }
    }
    return isBlank(line.toByteArray()) ? null : line.toByteArray();
  }

  private static boolean isCompleteJson(byte[] line) {
    try (JsonParser p = Json.factory().createParser(line)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isOneJsonValue(InputStream s) {
    try (JsonParser p = Json.factory().createParser(s)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** Discards bytes while counting them (size of an oversized document). */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
