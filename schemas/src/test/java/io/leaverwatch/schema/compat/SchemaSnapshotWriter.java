package io.leaverwatch.schema.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Writes every current top-level schema, fully resolved, to compat/vN/ when a version is released.
 * Usage (from the repository root): see schemas/compat/README.md. Refuses to overwrite an existing
 * snapshot directory: released snapshots are history.
 */
public final class SchemaSnapshotWriter {
  private SchemaSnapshotWriter() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !args[0].matches("v[1-9]\\d*")) {
      System.err.println("usage: SchemaSnapshotWriter vN   (N = next release number, e.g. v2)");
      System.exit(2);
    }
    Path moduleDir = TopicSchemas.moduleDir();
    Path target = TopicSchemas.compatDir(moduleDir).resolve(args[0]);
    if (Files.exists(target)) {
      System.err.println(target + " already exists: released snapshots are never rewritten");
      System.exit(2);
    }
    Files.createDirectories(target);
    Map<String, Schema> current = TopicSchemas.current(TopicSchemas.sourceDir(moduleDir));
    for (Map.Entry<String, Schema> e : current.entrySet()) {
      Path file = target.resolve(e.getKey() + ".avsc");
      Files.writeString(file, e.getValue().toString(true) + "\n", StandardCharsets.UTF_8);
      System.out.println("wrote " + file);
    }
  }
}
