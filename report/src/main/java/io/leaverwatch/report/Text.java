package io.leaverwatch.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the report writes values: escaped markup, UTC times, durations a person reads. */
final class Text {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Text() {}

  /**
   * Text as markup-safe XHTML character data or attribute value. Attacker-controlled text (logins,
   * summaries, justifications) goes through here and nowhere else; control characters XML forbids
   * become U+FFFD so the PDF renderer's XML parser never fails on a finding.
   */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  static String time(Instant t) {
    return t == null ? "—" : UTC.format(t);
  }

  /** 0 s, 42 s, 12 min, 3 h 05 min, 2 d 4 h. */
  static String duration(Long ms) {
    if (ms == null) {
      return "—";
    }
    long s = Math.abs(ms) / 1000;
    String sign = ms < 0 ? "−" : "";
    if (s < 60) {
      return sign + s + " s";
    }
    long m = s / 60;
    if (m < 60) {
      return sign + m + " min";
    }
    long h = m / 60;
    if (h < 24) {
      return String.format(Locale.ROOT, "%s%d h %02d min", sign, h, m % 60);
    }
    return String.format(Locale.ROOT, "%s%d d %d h", sign, h / 24, h % 24);
  }

  static String pct(Double p) {
    return p == null ? "no data" : String.format(Locale.ROOT, "%.1f %%", p);
  }

  static String or(String s, String absent) {
    return s == null || s.isBlank() ? absent : s;
  }
}
