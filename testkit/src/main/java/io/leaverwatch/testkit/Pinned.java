package io.leaverwatch.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pinned outputs for tests: a committed resource of expected lines (blank lines and {@code #}
 * comments left out) and, beside the build output, the lines a run actually gave, so a difference
 * can be read and a re-pin is made on purpose.
 */
public final class Pinned {
  private Pinned() {}

  /**
   * The pinned lines of {@code resource} on {@code anchor}'s class path, stripped; null when the
   * resource is not there.
   */
  public static List<String> lines(Class<?> anchor, String resource) throws IOException {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip());
        }
      }
      return out;
    }
  }

  /** Writes {@code actual} to {@code target/<name>} and returns that file's absolute path. */
  public static Path writeActual(String name, List<String> actual) throws IOException {
    Path written = Path.of("target", name);
    Files.createDirectories(written.getParent());
    Files.write(written, actual);
    return written.toAbsolutePath();
  }
}
