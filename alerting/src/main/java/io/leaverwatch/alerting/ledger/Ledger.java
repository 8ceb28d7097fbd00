package io.leaverwatch.alerting.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The delivery ledger: per finding and receiver, what was sent. Kept as an append-only NDJSON file
 * ({@code ledger.ndjson} under the state folder), one line per change, each forced to disk before
 * {@link #put} returns, so a delivery the ledger has is never repeated after a kill. On open the
 * file is replayed (the last line of a key wins; a torn last line from a kill mid-write is dropped)
 * and rewritten compactly when most of its lines are superseded.
 */
public final class Ledger implements AutoCloseable {
  public static final String FILE_NAME = "ledger.ndjson";

  private final Map<String, LedgerEntry> entries = new LinkedHashMap<>();
  private final Path file;
  private FileChannel channel;
  private int lines;
  private boolean dirty;

  private Ledger(Path file) {
    this.file = file;
  }

  /** A ledger that lives only in memory (dry runs: a rehearsal must not mark anything sent). */
  public static Ledger inMemory() {
    return new Ledger(null);
  }

  public static Ledger open(Path stateDir) {
    try {
      Files.createDirectories(stateDir);
      Ledger l = new Ledger(stateDir.resolve(FILE_NAME));
      l.replay();
      if (l.lines > 1000 && l.lines > 2 * l.entries.size()) {
        l.compact();
      }
      l.channel =
          FileChannel.open(
              l.file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
      return l;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the alert ledger in " + stateDir, e);
    }
  }

  public Optional<LedgerEntry> get(String findingId, String receiver) {
    return Optional.ofNullable(entries.get(LedgerEntry.key(findingId, receiver)));
  }

  public Collection<LedgerEntry> entries() {
    return List.copyOf(entries.values());
  }

  public int size() {
    return entries.size();
  }

  /** Records a delivery and forces it to disk before returning. */
  public void put(LedgerEntry e) {
    append(e);
    sync();
  }

  /**
   * Records a change that no send depends on yet (a revision seen, a finding promised to a digest):
   * it reaches the disk with the next {@link #put} or {@link #sync}, which the dispatcher calls
   * before any request and before an offset is committed. A flood then costs one fsync per request,
   * not one per finding.
   */
  public void putDeferred(LedgerEntry e) {
    append(e);
  }

  /** Forces every recorded change to disk. */
  public void sync() {
    if (channel == null || !dirty) {
      return;
    }
    try {
      channel.force(false);
      dirty = false;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the alert ledger " + file, ex);
    }
  }

  private void append(LedgerEntry e) {
    entries.put(e.key(), e);
    if (channel == null) {
      return;
    }
    byte[] line = (toJson(e) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      dirty = true;
      lines++;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the alert ledger " + file, ex);
    }
  }

  private void replay() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < all.size(); i++) {
      String line = all.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        LedgerEntry e = fromJson(Json.treeReader().readTree(line));
        entries.put(e.key(), e);
        lines++;
      } catch (IOException | RuntimeException ex) {
        if (i == all.size() - 1) {
          // a kill in the middle of the last write: that delivery was not recorded
          continue;
        }
        throw new IOException(file + ":" + (i + 1) + ": not a ledger line: " + ex.getMessage());
      }
    }
  }

  private void compact() throws IOException {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    List<String> out = new ArrayList<>(entries.size());
    for (LedgerEntry e : entries.values()) {
      out.add(toJson(e));
    }
    Files.write(tmp, out, StandardCharsets.UTF_8);
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    lines = entries.size();
  }

  static String toJson(LedgerEntry e) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("finding_id", e.findingId());
    n.put("receiver", e.receiver());
    n.put("revision", e.revision());
    n.put("status", e.status());
    n.put("severity", e.severity());
    n.put("state", e.state().name());
    if (e.ts() != null) {
      n.put("ts", e.ts());
    }
    if (e.channel() != null) {
      n.put("channel", e.channel());
    }
    if (e.digestLine() != null) {
      n.put("digest_line", e.digestLine());
    }
    n.put("at", e.atMillis());
    return n.toString();
  }

  static LedgerEntry fromJson(JsonNode n) {
    return new LedgerEntry(
        text(n, "finding_id"),
        text(n, "receiver"),
        n.path("revision").asLong(),
        text(n, "status"),
        text(n, "severity"),
        LedgerEntry.State.valueOf(n.path("state").asText()),
        text(n, "ts"),
        text(n, "channel"),
        text(n, "digest_line"),
        n.path("at").asLong());
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  @Override
  public void close() {
    if (channel != null) {
      sync();
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      channel = null;
    }
  }
}
