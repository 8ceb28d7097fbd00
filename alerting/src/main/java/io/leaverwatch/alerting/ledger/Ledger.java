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
 * The delivery ledger: per finding and receiver, what was sent. The entries live in memory and in a
 * {@link Store}: an append-only NDJSON file ({@code ledger.ndjson} under {@code --state}, each
 * change forced to disk by {@link #sync}) or, when streaming, the compacted topic {@code
 * leaverwatch.alerts} ({@code kafka.KafkaLedgerStore}). Either is read back fully when opened; the
 * last record of a key wins.
 */
public final class Ledger implements AutoCloseable {
  public static final String FILE_NAME = "ledger.ndjson";

  /** Where entries are kept. {@link #sync} returns once everything appended is durable. */
  public interface Store extends AutoCloseable {
    List<LedgerEntry> readAll();

    void append(LedgerEntry e);

    void sync();

    @Override
    void close();
  }

  private final Map<String, LedgerEntry> entries = new LinkedHashMap<>();
  private final Store store;

  private Ledger(Store store) {
    this.store = store;
  }

  /** A ledger that lives only in memory (dry runs: a rehearsal must not mark anything sent). */
  public static Ledger inMemory() {
    return new Ledger(null);
  }

  /** The file ledger under {@code stateDir}. */
  public static Ledger open(Path stateDir) {
    return over(FileStore.open(stateDir));
  }

  /** A ledger over any store, read back fully first. */
  public static Ledger over(Store store) {
    Ledger l = new Ledger(store);
    for (LedgerEntry e : store.readAll()) {
      l.entries.put(e.key(), e);
    }
    return l;
  }

  public Store store() {
    return store;
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

  /** Records a delivery and makes it durable before returning. */
  public void put(LedgerEntry e) {
    append(e);
    sync();
  }

  /**
   * Records a change that no send depends on yet (a revision seen, a finding promised to a digest):
   * it becomes durable with the next {@link #put} or {@link #sync}, which the dispatcher calls
   * before any request and before an offset is committed. A flood then costs one fsync (or one
   * transaction) per request, not one per finding.
   */
  public void putDeferred(LedgerEntry e) {
    append(e);
  }

  /** Makes every recorded change durable. */
  public void sync() {
    if (store != null) {
      store.sync();
    }
  }

  private void append(LedgerEntry e) {
    entries.put(e.key(), e);
    if (store != null) {
      store.append(e);
    }
  }

  /** One entry as one JSON object: the file's line and the topic's value. */
  public static String toJson(LedgerEntry e) {
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
    n.put("intent", e.intent() != null);
    if (e.intent() != null) {
      LedgerEntry.Intent i = e.intent();
      ObjectNode in = n.putObject("pending");
      in.put("action", i.action());
      in.put("revision", i.revision());
      in.put("status", i.status());
      in.put("severity", i.severity());
      in.put("at", i.atMillis());
      if (i.digestId() != null) {
        in.put("digest_id", i.digestId());
        in.put("digest_window", i.digestWindowMillis());
      }
    }
    return n.toString();
  }

  public static LedgerEntry fromJson(JsonNode n) {
    LedgerEntry.Intent intent = null;
    JsonNode in = n.get("pending");
    if (n.path("intent").asBoolean(false) && in != null && in.isObject()) {
      intent =
          new LedgerEntry.Intent(
              text(in, "action"),
              in.path("revision").asLong(),
              text(in, "status"),
              text(in, "severity"),
              in.path("at").asLong(),
              text(in, "digest_id"), // absent from entries written before digests had intents
              in.path("digest_window").asLong());
    }
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
        n.path("at").asLong(),
        intent);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }

  /**
   * {@code ledger.ndjson}: one line per change. On open the file is replayed (a torn last line from
   * a kill mid-write is dropped) and rewritten compactly when most of its lines are superseded.
   */
  static final class FileStore implements Store {
    private final Path file;
    private final List<LedgerEntry> replayed = new ArrayList<>();
    private FileChannel channel;
    private boolean dirty;

    private FileStore(Path file) {
      this.file = file;
    }

    static FileStore open(Path stateDir) {
      try {
        Files.createDirectories(stateDir);
        FileStore s = new FileStore(stateDir.resolve(FILE_NAME));
        int lines = s.replay();
        Map<String, LedgerEntry> latest = new LinkedHashMap<>();
        s.replayed.forEach(e -> latest.put(e.key(), e));
        if (lines > 1000 && lines > 2 * latest.size()) {
          s.compact(latest.values());
        }
        s.channel =
            FileChannel.open(
                s.file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return s;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the alert ledger in " + stateDir, e);
      }
    }

    @Override
    public List<LedgerEntry> readAll() {
      return replayed;
    }

    @Override
    public void append(LedgerEntry e) {
      byte[] line = (toJson(e) + "\n").getBytes(StandardCharsets.UTF_8);
      try {
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
          channel.write(b);
        }
        dirty = true;
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write the alert ledger " + file, ex);
      }
    }

    @Override
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

    private int replay() throws IOException {
      if (!Files.exists(file)) {
        return 0;
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      int lines = 0;
      for (int i = 0; i < all.size(); i++) {
        String line = all.get(i);
        if (line.isBlank()) {
          continue;
        }
        try {
          replayed.add(fromJson(Json.treeReader().readTree(line)));
          lines++;
        } catch (IOException | RuntimeException ex) {
          if (i == all.size() - 1) {
            // a kill in the middle of the last write: that delivery was not recorded
            continue;
          }
          throw new IOException(file + ":" + (i + 1) + ": not a ledger line: " + ex.getMessage());
        }
      }
      return lines;
    }

    private void compact(Collection<LedgerEntry> latest) throws IOException {
      Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
      List<String> out = new ArrayList<>(latest.size());
      for (LedgerEntry e : latest) {
        out.add(toJson(e));
      }
      Files.write(tmp, out, StandardCharsets.UTF_8);
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
}
