package io.leaverwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The private folder an Elasticsearch node runs from: its config, data, logs and temp files, and,
 * when the node runs as {@link EmbeddedElasticsearch#UNPRIVILEGED_ID} because we are root, a copy
 * of the distribution. It lives under a world-traversable folder ({@code java.io.tmpdir}, else
 * {@code /tmp}) so that the unprivileged node can reach it wherever the user's data dir is (a 0700
 * home folder included); it is mode 0700 and, as root, owned by the node's uid.
 *
 * <p>The user's data dir keeps the pid file, the console log, a pointer to the staging folder
 * ({@value #POINTER}) and, after the node stops, a copy of its logs. The node's index data lives
 * only here and goes with it: every caller starts from an empty node anyway. The folder is deleted
 * when the node stops, or by the next start in the same data dir if this JVM was killed.
 */
final class NodeStaging {

  /** In the user's data dir: the path of the staging folder of the node started from it. */
  static final String POINTER = "staging";

  /** In the staging folder: written first, proof that a pointer names a folder we made. */
  private static final String OWNER_FILE = "leaverwatch-staging";

  private static final String PREFIX = "leaverwatch-es-";

  private final Path dataDir;
  private final Path root;
  private final boolean unprivileged;
  private boolean removed;

  private NodeStaging(Path dataDir, Path root, boolean unprivileged) {
    this.dataDir = dataDir;
    this.root = root;
    this.unprivileged = unprivileged;
  }

  /**
   * Creates an empty staging folder for a node started from {@code dataDir} and records it there.
   * With {@code unprivileged}, the folder must be reachable by the node's uid, and {@link
   * #handOver()} gives it to that uid.
   */
  static NodeStaging create(Path dataDir, boolean unprivileged) throws IOException {
    Path base = base(unprivileged);
    Path root = Files.createTempDirectory(base, PREFIX);
    Files.writeString(root.resolve(OWNER_FILE), dataDir + "\n", StandardCharsets.UTF_8);
    Files.writeString(dataDir.resolve(POINTER), root + "\n", StandardCharsets.UTF_8);
    NodeStaging staging = new NodeStaging(dataDir, root, unprivileged);
    for (Path dir : List.of(staging.config(), staging.data(), staging.logs(), staging.tmp())) {
      Files.createDirectories(dir);
    }
    return staging;
  }

  Path root() {
    return root;
  }

  Path config() {
    return root.resolve("config");
  }

  Path data() {
    return root.resolve("data");
  }

  Path logs() {
    return root.resolve("logs");
  }

  Path tmp() {
    return root.resolve("tmp");
  }

  /** Where the distribution copy goes ({@link #copyDistribution}). */
  Path distribution() {
    return root.resolve("distribution");
  }

  /** Copies an unpacked distribution here, keeping file modes, and returns the copy's home. */
  Path copyDistribution(Path home) throws IOException {
    Path target = distribution().resolve(home.getFileName().toString());
    copyTree(home, target);
    return target;
  }

  /** As root: gives the whole folder to the node's uid, so that it can write its data and logs. */
  void handOver() throws IOException {
    if (unprivileged) {
      EmbeddedElasticsearch.chown(root);
    }
  }

  /**
   * Copies the node's logs (not the heap dumps) to {@code <data dir>/logs}, deletes the folder and
   * the pointer to it. Never throws: a folder left under the temp dir is removed by the next start
   * from the same data dir.
   */
  synchronized void remove() {
    if (removed) {
      return;
    }
    removed = true;
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return; // removed already, by a later start from the same data dir
    }
    try {
      Path keep = dataDir.resolve("logs");
      Files.createDirectories(keep);
      try (Stream<Path> logs = Files.list(logs())) {
        for (Path log : (Iterable<Path>) logs::iterator) {
          if (Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS)
              && log.getFileName().toString().contains(".log")) {
            Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not keep the Elasticsearch logs from " + logs() + ": " + e);
    }
    try {
      deleteTree(root);
      Path pointer = dataDir.resolve(POINTER);
      if (Files.isRegularFile(pointer)
          && Files.readString(pointer, StandardCharsets.UTF_8).trim().equals(root.toString())) {
        Files.delete(pointer);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not remove " + root + ": " + e);
    }
  }

  /**
   * Deletes the staging folder that an earlier node started from {@code dataDir} left behind (its
   * JVM was killed), if the pointer names a folder this class made for that data dir; a pointer to
   * anything else is removed and the folder it names left alone.
   *
   * @return the folder deleted, if any
   */
  static Optional<Path> removeLeftover(Path dataDir) {
    Path pointer = dataDir.resolve(POINTER);
    if (!Files.isRegularFile(pointer)) {
      return Optional.empty();
    }
    try {
      Path named = Path.of(Files.readString(pointer, StandardCharsets.UTF_8).trim());
      Optional<Path> removed = Optional.empty();
      if (isOurs(named, dataDir)) {
        deleteTree(named);
        removed = Optional.of(named);
      }
      Files.deleteIfExists(pointer);
      return removed;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot remove the Elasticsearch staging folder named in " + pointer + ": " + e, e);
    }
  }

  private static boolean isOurs(Path named, Path dataDir) throws IOException {
    if (!named.isAbsolute()
        || named.getFileName() == null
        || !named.getFileName().toString().startsWith(PREFIX)
        || !Files.isDirectory(named, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Path owner = named.resolve(OWNER_FILE);
    return Files.isRegularFile(owner, LinkOption.NOFOLLOW_LINKS)
        && Files.readString(owner, StandardCharsets.UTF_8).trim().equals(dataDir.toString());
  }

  /** {@code java.io.tmpdir}, or {@code /tmp} if the node's uid could not reach the former. */
  private static Path base(boolean unprivileged) throws IOException {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize());
    candidates.add(Path.of("/tmp"));
    List<String> refused = new ArrayList<>();
    for (Path candidate : candidates) {
      if (!Files.isDirectory(candidate) || !Files.isWritable(candidate)) {
        refused.add(candidate + " (not a writable folder)");
        continue;
      }
      if (!unprivileged) {
        return candidate;
      }
      Optional<Path> closed = firstClosed(candidate);
      if (closed.isEmpty()) {
        return candidate;
      }
      refused.add(candidate + " (" + closed.get() + " has no o+x)");
    }
    throw new IllegalStateException(
        "Elasticsearch runs as uid "
            + EmbeddedElasticsearch.UNPRIVILEGED_ID
            + " (we are root) and needs a folder it can reach to run from; none of "
            + String.join(", ", refused)
            + ": set -Djava.io.tmpdir (LEAVERWATCH_JAVA_OPTS) to a world-traversable folder");
  }

  /** The first of {@code dir} and its ancestors that others cannot enter, if any. */
  static Optional<Path> firstClosed(Path dir) throws IOException {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
          try {
            Files.createDirectories(target);
          } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot copy " + source + ": " + target + " exists", e);
          }
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }

  /** Deletes a tree without following symbolic links out of it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
