package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.core.rules.RuleSetLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** The project's own rules directory, as the build passes it (or found from the module). */
public final class Rules {
  private Rules() {}

  public static Path dir() {
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

  public static RuleSet load() {
    return RuleSetLoader.load(dir());
  }
}
