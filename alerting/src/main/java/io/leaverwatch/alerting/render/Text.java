package io.leaverwatch.alerting.render;

/** Text shaping shared by the renderers: escaping for Slack and length caps that count chars. */
public final class Text {
  private Text() {}

  /**
   * Slack's three control characters as entities. Applied to everything that comes from an event
   * before it enters any field Slack parses, so a login or repository named {@code <!channel>} or
   * {@code <https://evil|click>} shows as typed and can neither mention anyone nor make a link.
   */
  public static String escapeSlack(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          b.append("&amp;");
          break;
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        default:
          b.append(c);
      }
    }
    return b.toString();
  }

  /** At most {@code max} chars; a cut string ends with an ellipsis and never splits a pair. */
  public static String cap(String s, int max) {
    if (s == null) {
      return "";
    }
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, Math.max(0, end)) + "\u2026";
  }

  /** Escapes for Slack first, then caps, backing off so no entity is cut in half. */
  public static String escapeSlackCapped(String s, int max) {
    String e = escapeSlack(s);
    if (e.length() <= max) {
      return e;
    }
    String c = cap(e, max);
    int amp = c.lastIndexOf('&');
    if (amp >= 0 && c.indexOf(';', amp) < 0) {
      c = c.substring(0, amp) + "\u2026";
    }
    return c;
  }

  /** A readable name for a finding type: {@code RETAINED_ACCESS} → {@code Retained access}. */
  public static String title(String enumName) {
    String s = enumName.replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
