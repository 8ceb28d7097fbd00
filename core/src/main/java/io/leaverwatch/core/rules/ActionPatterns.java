package io.leaverwatch.core.rules;

import java.util.Collection;

/** Action names in rule files: exact, or a trailing {@code *} for a prefix. */
public final class ActionPatterns {
  private ActionPatterns() {}

  public static boolean matches(String pattern, String action) {
    if (action == null) {
      return false;
    }
    if (pattern.endsWith("*")) {
      return action.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(action);
  }

  public static boolean matchesAny(Collection<String> patterns, String action) {
    for (String p : patterns) {
      if (matches(p, action)) {
        return true;
      }
    }
    return false;
  }
}
