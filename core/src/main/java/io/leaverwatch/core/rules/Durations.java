package io.leaverwatch.core.rules;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the short durations rule files use: {@code 90s}, {@code 15m}, {@code 4h}, {@code 14d}. */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*([smhd])");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String t = text.trim();
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    }
    try {
      return Duration.parse(t);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'" + t + "' is not a duration (use 90s, 15m, 4h, 14d or ISO-8601 like PT15M)");
    }
  }
}
