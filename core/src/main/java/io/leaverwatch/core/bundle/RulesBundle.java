package io.leaverwatch.core.bundle;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The rules folder as data: every rule file's path (relative, {@code /}-separated) and text, and a
 * content hash. The job receives rules this way, so a change to the folder reaches running
 * operators without a restart. A bundle is parsed as the folder it came from, by the same loaders
 * ({@link #load}), so the files can gain fields and folders without this class changing; errors
 * name the file of the folder, not the copy that was parsed.
 */
public final class RulesBundle implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The key of the folder's name in {@link #toWire()}: no file path starts with NUL. */
  private static final String ORIGIN_KEY = "\u0000origin";

  private final String origin;
  private final TreeMap<String, String> files;
  private final String hash;

  private RulesBundle(String origin, SortedMap<String, String> files) {
    this.origin = origin;
    this.files = new TreeMap<>(files);
    this.hash = hash(this.files);
  }

  public static RulesBundle of(String origin, Map<String, String> files) {
    return new RulesBundle(origin, new TreeMap<>(files));
  }

  /** Every {@code *.yaml} / {@code *.yml} file under {@code dir}, at any depth. */
  public static RulesBundle read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UncheckedIOException(new IOException(dir + ": rules directory not found"));
    }
    TreeMap<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      List<Path> yaml =
          all.filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
              .collect(Collectors.toList());
      for (Path f : yaml) {
        String rel = dir.relativize(f).toString().replace('\\', '/');
        files.put(rel, Files.readString(f, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot read the rules: " + e.getMessage(), e);
    }
    return new RulesBundle(dir.toString(), files);
  }

  /** The folder the files came from, as errors name it. */
  public String origin() {
    return origin;
  }

  public SortedMap<String, String> files() {
    return Collections.unmodifiableSortedMap(files);
  }

  /** SHA-256 over every path and text: equal bundles have equal hashes. */
  public String hash() {
    return hash;
  }

  /**
   * Parses the bundle with {@code loader} (e.g. {@code RuleSetLoader::load}) as if it were the
   * folder it came from. An invalid file fails with {@link InvalidRulesException} naming {@code
   * origin/path:line: field: reason}.
   */
  public <T> T load(Function<Path, T> loader) {
    Path tmp = null;
    try {
      tmp = Files.createTempDirectory("leaverwatch-rules-");
      for (Map.Entry<String, String> e : files.entrySet()) {
        Path f = tmp.resolve(e.getKey()).normalize();
        if (!f.startsWith(tmp)) {
          throw new InvalidRulesException(origin + ": " + e.getKey() + ": not inside the folder");
        }
        Files.createDirectories(f.getParent());
        Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
      }
      try {
        return loader.apply(tmp);
      } catch (InvalidRulesException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new InvalidRulesException(relocated(String.valueOf(e.getMessage()), tmp), e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the rules of " + origin, e);
    } finally {
      if (tmp != null) {
        delete(tmp);
      }
    }
  }

  /**
   * The bundle as a map Flink serialises without Kryo: the files, and the origin under a NUL key.
   */
  public Map<String, String> toWire() {
    Map<String, String> m = new HashMap<>(files);
    m.put(ORIGIN_KEY, origin);
    return m;
  }

  public static RulesBundle fromWire(Map<String, String> wire) {
    TreeMap<String, String> files = new TreeMap<>(wire);
    String origin = files.remove(ORIGIN_KEY);
    return new RulesBundle(origin == null ? "rules" : origin, files);
  }

  /** {@code hash} shortened for a log line. */
  public String shortHash() {
    return hash.substring(0, 12);
  }

  private String relocated(String message, Path tmp) {
    String out = message;
    for (String p : List.of(tmp.toAbsolutePath().toString(), tmp.toString())) {
      out = out.replace(p, origin);
    }
    try {
      out = out.replace(tmp.toRealPath().toString(), origin);
    } catch (IOException ignored) {
      // the staged copy is gone already: the message keeps what it said
    }
    return out;
  }

  private static String hash(SortedMap<String, String> files) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : files.entrySet()) {
        d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // a temporary copy left behind is harmless
                }
              });
    } catch (IOException ignored) {
      // as above
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RulesBundle b && b.hash.equals(hash) && b.origin.equals(origin);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "rules " + shortHash() + " from " + origin + " (" + files.size() + " files)";
  }
}
