package io.leaverwatch.core.normalize;

import java.nio.file.Path;

/**
 * Where the {@code rules/} folder is: the system property {@code leaverwatch.rules}, else {@code
 * $LEAVERWATCH_HOME/rules} (set by the launcher), else {@code ./rules}.
 */
public final class RulesDirectory {
  public static final String PROPERTY = "leaverwatch.rules";
  public static final String HOME_ENV = "LEAVERWATCH_HOME";

  private RulesDirectory() {}

  public static Path resolve() {
    return resolve(System.getProperty(PROPERTY), System.getenv(HOME_ENV));
  }

  static Path resolve(String property, String home) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    if (home != null && !home.isBlank()) {
      return Path.of(home, "rules");
    }
    return Path.of("rules");
  }

  /** The action-class files, one per source: {@code <rules>/action-classes}. */
  public static Path actionClasses(Path rulesDir) {
    return rulesDir.resolve("action-classes");
  }

  /** The detection catalogue, one file per finding rule: {@code <rules>/detections}. */
  public static Path detections(Path rulesDir) {
    return rulesDir.resolve("detections");
  }
}
