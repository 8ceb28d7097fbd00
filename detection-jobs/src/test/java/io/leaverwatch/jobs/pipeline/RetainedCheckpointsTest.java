package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetainedCheckpointsTest {
  private static final Instant MONDAY = Instant.parse("2026-11-30T10:00:00Z");
  private static final Instant TUESDAY = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;

  private Path checkpoint(String job, String chk, Instant completedAt) throws IOException {
    Path c = Files.createDirectories(dir.resolve(job).resolve(chk));
    if (completedAt != null) {
      Path m = Files.write(c.resolve("_metadata"), new byte[] {1});
      Files.setLastModifiedTime(m, FileTime.from(completedAt));
    }
    return c;
  }

  @Test
  void theNewestCompleteCheckpointOfAnyPreviousRunIsTheOneToResumeFrom() throws IOException {
    checkpoint("a1b2", "chk-40", MONDAY);
    Path newest = checkpoint("c3d4", "chk-7", TUESDAY);
    checkpoint("c3d4", "chk-6", MONDAY.plusSeconds(60));
    // being written when the process died: no _metadata
    checkpoint("c3d4", "chk-8", null);
    Files.createDirectories(dir.resolve("c3d4").resolve("shared"));
    Files.createDirectories(dir.resolve("c3d4").resolve("taskowned"));

    assertThat(RetainedCheckpoints.latest(dir.toString()))
        .map(p -> Path.of(java.net.URI.create(p).getPath()))
        .contains(newest);
    assertThat(RetainedCheckpoints.latest(dir.toUri().toString()))
        .map(p -> Path.of(java.net.URI.create(p).getPath()))
        .contains(newest);
  }

  @Test
  void noCheckpointDirectoryOrOnlyIncompleteCheckpointsMeanAFreshStart() throws IOException {
    assertThat(RetainedCheckpoints.latest(dir.resolve("missing").toString())).isEmpty();
    checkpoint("a1b2", "chk-1", null);
    assertThat(RetainedCheckpoints.latest(dir.toString())).isEmpty();
  }
}
