package io.leaverwatch.jobs.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The checkpoints a stopped {@code leaverwatch run} left behind. Flink writes them under the
 * checkpoint directory as {@code <job id>/chk-<n>/}, and a checkpoint is complete once its {@code
 * _metadata} file is there; every start of {@code run} is a new job id, so the newest complete
 * checkpoint of any job is the one to resume from. A {@code chk-<n>} without {@code _metadata} was
 * being written when the process stopped and is skipped.
 */
public final class RetainedCheckpoints {
  static final String METADATA = "_metadata";

  private RetainedCheckpoints() {}

  /** The newest complete checkpoint under {@code checkpointDir} (a path or URI), if any. */
  public static Optional<String> latest(String checkpointDir) {
    try {
      Path root = new Path(checkpointDir);
      FileSystem fs = root.getFileSystem();
      if (!fs.exists(root)) {
        return Optional.empty();
      }
      Path best = null;
      long bestTime = Long.MIN_VALUE;
      long bestNumber = Long.MIN_VALUE;
      for (FileStatus job : list(fs, root)) {
        if (!job.isDir()) {
          continue;
        }
        for (FileStatus chk : list(fs, job.getPath())) {
          long number = checkpointNumber(chk.getPath().getName());
          if (!chk.isDir() || number < 0) {
            continue;
          }
          Path metadata = new Path(chk.getPath(), METADATA);
          if (!fs.exists(metadata)) {
            continue;
          }
          long time = fs.getFileStatus(metadata).getModificationTime();
          if (time > bestTime || (time == bestTime && number > bestNumber)) {
            best = chk.getPath();
            bestTime = time;
            bestNumber = number;
          }
        }
      }
      return Optional.ofNullable(best).map(Path::toString);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot look for checkpoints in " + checkpointDir + ": " + e.getMessage(), e);
    }
  }

  private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
    FileStatus[] s = fs.listStatus(dir);
    return s == null ? new FileStatus[0] : s;
  }

  /** {@code chk-17} → 17; anything else → -1. */
  static long checkpointNumber(String name) {
    if (!name.startsWith("chk-")) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(4));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
