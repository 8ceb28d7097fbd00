package io.leaverwatch.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The project's rules and the shared fixtures, as the build passes them (or found from here). */
public final class TestDirs {
  private TestDirs() {}

  public static Path rules() {
    String p = System.getProperty("leaverwatch.rules");
    if (p != null && Files.isDirectory(Path.of(p))) {
      return Path.of(p);
    }
    for (Path c = Path.of("").toAbsolutePath(); c != null; c = c.getParent()) {
      if (Files.isDirectory(c.resolve("rules/roles"))) {
        return c.resolve("rules");
      }
    }
    throw new IllegalStateException("rules directory not found");
  }

  /** ../shared/fixtures, or empty when this checkout has none (tests using it are skipped). */
  public static Optional<Path> fixtures() {
    String p = System.getProperty("leaverwatch.fixtures");
    if (p != null && Files.isDirectory(Path.of(p))) {
      return Optional.of(Path.of(p).normalize());
    }
    for (Path c = Path.of("").toAbsolutePath(); c != null; c = c.getParent()) {
      Path f = c.resolve("../shared/fixtures").normalize();
      if (Files.isDirectory(f.resolve("okta"))) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
