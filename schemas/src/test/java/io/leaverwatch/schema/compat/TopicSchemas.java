package io.leaverwatch.schema.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The current top-level schemas (one per .avsc file under src/main/avro, except the shared named
 * types of common.avsc) and their committed snapshots under compat/vN/.
 */
final class TopicSchemas {
  static final String GENERATED_PACKAGE = "io.leaverwatch.schema";
  private static final String SHARED_TYPES_FILE = "common.avsc";
  private static final Pattern VERSION_DIR = Pattern.compile("v(\\d+)");

  private TopicSchemas() {}

  /**
   * The module directory: surefire sets {@code basedir}; a main run from the module falls back to
   * the cwd.
   */
  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
  }

  static Path sourceDir(Path moduleDir) {
    return moduleDir.resolve("src/main/avro");
  }

  static Path compatDir(Path moduleDir) {
    return moduleDir.resolve("compat");
  }

  /**
   * Schema name to the SCHEMA$ of its generated class, which is fully resolved (the shared types
   * are inlined), so it can be written and compared standalone.
   */
  static Map<String, Schema> current(Path sourceDir) throws IOException {
    Map<String, Schema> schemas = new TreeMap<>();
    try (Stream<Path> files = Files.list(sourceDir)) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(".avsc") || fileName.equals(SHARED_TYPES_FILE)) {
          continue;
        }
        String name = fileName.substring(0, fileName.length() - ".avsc".length());
        schemas.put(name, generatedSchema(name, file));
      }
    }
    return schemas;
  }

  private static Schema generatedSchema(String name, Path file) {
    String className = GENERATED_PACKAGE + "." + name;
    Class<?> generated;
    try {
      generated = Class.forName(className);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          file + " has no generated class " + className + ": the file name must be the record name",
          e);
    }
    return SpecificData.get().getSchema(generated);
  }

  /** Snapshot directories ordered by version, newest last. */
  static List<Path> versionDirs(Path compatDir) throws IOException {
    if (!Files.isDirectory(compatDir)) {
      return List.of();
    }
    Map<Integer, Path> byVersion = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(compatDir)) {
      dirs.filter(Files::isDirectory)
          .forEach(
              dir -> {
                Matcher m = VERSION_DIR.matcher(dir.getFileName().toString());
                if (m.matches()) {
                  byVersion.put(Integer.parseInt(m.group(1)), dir);
                }
              });
    }
    return new ArrayList<>(byVersion.values());
  }

  /**
   * Schema name to the file of its newest snapshot (a schema added in v3 is only in v3 and later).
   */
  static Map<String, Path> latestSnapshots(Path compatDir) throws IOException {
    Map<String, Path> latest = new TreeMap<>();
    for (Path dir : versionDirs(compatDir)) {
      try (Stream<Path> files = Files.list(dir)) {
        files
            .filter(f -> f.getFileName().toString().endsWith(".avsc"))
            .forEach(
                f -> {
                  String fileName = f.getFileName().toString();
                  latest.put(fileName.substring(0, fileName.length() - ".avsc".length()), f);
                });
      }
    }
    return latest;
  }

  static Schema parse(Path snapshot) throws IOException {
    return new Schema.Parser().parse(snapshot.toFile());
  }
}
