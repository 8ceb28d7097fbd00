package io.leaverwatch.anomaly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The model a running job scores with, and the next one: {@code anomaly.model_dir} names either a
 * model directory ({@code leaverwatch train --out}) or a folder of them (one per version, the one
 * whose model card was written last is used). {@link #poll} looks at the files again; when they
 * changed it loads the new model, and a model that does not load is refused with the reason while
 * the one before it stays in use. Pure: the operator decides when to poll and logs what it says.
 */
public final class ModelWatcher {
  /** What a poll found, in words for the log; {@code refused} when the new model was not taken. */
  public record Change(boolean refused, String message) {}

  private final Path dir;
  private ModelDirectory.Loaded current;
  private long fingerprint;
  private String stamp;

  public ModelWatcher(Path dir) {
    this.dir = dir;
  }

  /** The model in use, or null when none has loaded yet. */
  public ModelDirectory.Loaded current() {
    return current;
  }

  /** The state fingerprint of the current model's rules. */
  public long fingerprint() {
    return fingerprint;
  }

  /** Looks at the model directory again; empty when nothing changed since the last look. */
  public Optional<Change> poll() {
    Path model = resolve(dir);
    String now = stampOf(model);
    if (now.equals(stamp)) {
      return Optional.empty();
    }
    stamp = now;
    ModelDirectory.Loaded next;
    try {
      next = ModelDirectory.load(model);
    } catch (RuntimeException e) {
      String keep =
          current == null
              ? "no model is loaded: days close without being scored until a valid one appears"
              : "still scoring with model " + current.version();
      return Optional.of(
          new Change(
              true,
              "anomaly.model_dir: the model at "
                  + model
                  + " is refused: "
                  + e.getMessage()
                  + "; "
                  + keep));
    }
    if (current != null && current.version().equals(next.version())) {
      return Optional.empty();
    }
    String was = current == null ? null : current.version();
    long nextFingerprint = next.model().rules().stateFingerprint();
    boolean featuresChanged = current != null && nextFingerprint != fingerprint;
    current = next;
    fingerprint = nextFingerprint;
    return Optional.of(
        new Change(
            false,
            "anomaly.model_dir: scoring with model "
                + next.version()
                + " from "
                + model
                + (was == null ? "" : " (was " + was + ")")
                + (featuresChanged
                    ? "; its feature definitions differ, so each person's own history starts"
                        + " again"
                    : "")));
  }

  /** The model directory itself, or the newest model directory inside it. */
  static Path resolve(Path dir) {
    if (Files.isRegularFile(dir.resolve(ModelDirectory.CARD_JSON)) || !Files.isDirectory(dir)) {
      return dir;
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(p -> Files.isRegularFile(p.resolve(ModelDirectory.CARD_JSON)))
          .max(
              Comparator.comparingLong((Path p) -> modified(p.resolve(ModelDirectory.CARD_JSON)))
                  .thenComparing(Path::getFileName))
          .orElse(dir);
    } catch (IOException e) {
      return dir;
    }
  }

  /**
   * What identifies the files: the model's size and time, and the card's content (it names the
   * model's version; a copy over the old files can keep a size and a coarse time).
   */
  private static String stampOf(Path model) {
    StringBuilder sb = new StringBuilder(model.toString());
    try {
      BasicFileAttributes a =
          Files.readAttributes(model.resolve(ModelDirectory.MODEL), BasicFileAttributes.class);
      sb.append('|').append(a.size()).append('@').append(a.lastModifiedTime().toMillis());
    } catch (IOException e) {
      sb.append("|no model");
    }
    try {
      sb.append('|')
          .append(LongSet.hash(Files.readString(model.resolve(ModelDirectory.CARD_JSON))));
    } catch (IOException | RuntimeException e) {
      sb.append("|no card");
    }
    return sb.toString();
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return Long.MIN_VALUE;
    }
  }
}
