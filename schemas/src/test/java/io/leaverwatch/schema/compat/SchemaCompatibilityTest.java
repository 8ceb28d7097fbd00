package io.leaverwatch.schema.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every topic schema must stay readable by, and able to read, its newest committed snapshot, so
 * topics and Flink savepoints survive an upgrade. See schemas/compat/README.md.
 */
class SchemaCompatibilityTest {
  private static final Path MODULE = TopicSchemas.moduleDir();

  @Test
  void everyCurrentSchemaIsCompatibleBothWaysWithItsLatestSnapshot() throws IOException {
    assertThat(TopicSchemas.current(TopicSchemas.sourceDir(MODULE)))
        .as("top-level schemas found in src/main/avro")
        .isNotEmpty();

    assertThat(problems(TopicSchemas.sourceDir(MODULE), TopicSchemas.compatDir(MODULE)))
        .as("schema compatibility problems")
        .isEmpty();
  }

  @Test
  void aSchemaWithoutSnapshotIsReportedWithHowToAddOne(@TempDir Path emptyCompat)
      throws IOException {
    assertThat(problems(TopicSchemas.sourceDir(MODULE), emptyCompat))
        .contains(
            "AuditEvent has no snapshot under schemas/compat/vN/: a new schema needs one before it"
                + " is released; write it with SchemaSnapshotWriter (see"
                + " schemas/compat/README.md)");
  }

  static List<String> problems(Path sourceDir, Path compatDir) throws IOException {
    Map<String, Schema> current = TopicSchemas.current(sourceDir);
    Map<String, Path> snapshots = TopicSchemas.latestSnapshots(compatDir);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Schema> e : current.entrySet()) {
      Path snapshot = snapshots.get(e.getKey());
      if (snapshot == null) {
        problems.add(
            e.getKey()
                + " has no snapshot under schemas/compat/vN/: a new schema needs one before it is"
                + " released; write it with SchemaSnapshotWriter (see schemas/compat/README.md)");
        continue;
      }
      problems.addAll(
          ReaderWriterCheck.problems(
              e.getKey() + " vs compat/" + compatDir.relativize(snapshot),
              e.getValue(),
              TopicSchemas.parse(snapshot)));
    }
    for (String name : snapshots.keySet()) {
      if (!current.containsKey(name)) {
        problems.add(
            name
                + " has a snapshot but no schema in src/main/avro: deleting a topic schema strands"
                + " its topic and state");
      }
    }
    return problems;
  }

  @Test
  void snapshotsAreStandaloneSchemasNamedLikeTheirFile() throws IOException {
    for (Map.Entry<String, Path> e :
        TopicSchemas.latestSnapshots(TopicSchemas.compatDir(MODULE)).entrySet()) {
      // A fresh parser per file: a snapshot must not lean on common.avsc or on another snapshot.
      Schema snapshot = TopicSchemas.parse(e.getValue());
      assertThat(snapshot.getFullName())
          .as(e.getValue().toString())
          .isEqualTo(TopicSchemas.GENERATED_PACKAGE + "." + e.getKey());
    }
  }
}
