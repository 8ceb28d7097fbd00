package io.leaverwatch.ingest.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One JSON file per connector key under a state directory. Writes are atomic (temp file, fsync,
 * rename, fsync of the directory) so a kill leaves either the old or the new cursor, never half.
 */
public final class CursorStore implements CheckpointStore {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Path dir;

  public CursorStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
  }

  public Path dir() {
    return dir;
  }

  Path fileFor(String key) {
    return dir.resolve(key.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
  }

  @Override
  public Optional<Checkpoint> load(String key) throws IOException {
    Path f = fileFor(key);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(f.toFile());
    } catch (IOException e) {
      throw new IOException("state file " + f + " is not valid JSON: " + e.getMessage(), e);
    }
    return Optional.of(fromTree(n, "state file " + f));
  }

  /** A checkpoint as one JSON text (to nest one checkpoint inside another). */
  public static String toJson(Checkpoint cp) {
    try {
      return MAPPER.writeValueAsString(tree(cp));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Checkpoint fromJson(String json) throws IOException {
    return fromTree(MAPPER.readTree(json), "nested checkpoint");
  }

  private static ObjectNode tree(Checkpoint cp) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("position", cp.position());
    ArrayNode ids = n.putArray("boundary_ids");
    cp.boundaryIds().forEach(ids::add);
    ObjectNode extra = n.putObject("extra");
    cp.extra().forEach(extra::put);
    return n;
  }

  private static Checkpoint fromTree(JsonNode n, String where) throws IOException {
    if (n == null || !n.isObject() || !n.path("position").isTextual()) {
      throw new IOException(where + " has no text field 'position'");
    }
    Set<String> ids = new LinkedHashSet<>();
    n.path("boundary_ids").forEach(x -> ids.add(x.asText()));
    Map<String, String> extra = new HashMap<>();
    n.path("extra").fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue().asText()));
    return new Checkpoint(n.get("position").asText(), ids, extra);
  }

  @Override
  public void save(String key, Checkpoint cp) throws IOException {
    ObjectNode n = tree(cp);
    n.put("key", key);
    byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    Path target = fileFor(key);
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some platforms cannot open a directory for fsync; the rename is still atomic there.
    }
  }
}
