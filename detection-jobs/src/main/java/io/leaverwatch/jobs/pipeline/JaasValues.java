package io.leaverwatch.jobs.pipeline;

/**
 * Quoting for values inside a JAAS configuration string ({@code sasl.jaas.config}). Kafka parses
 * the string with a {@link java.io.StreamTokenizer}: inside double quotes a backslash escapes the
 * next character, so a value containing {@code "}, {@code \} or {@code ;} stays one value instead
 * of ending the string and adding options or modules of its own.
 */
public final class JaasValues {
  private JaasValues() {}

  /** The value escaped for use between double quotes. */
  public static String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The value escaped and in double quotes. */
  public static String quote(String value) {
    return "\"" + escape(value) + "\"";
  }
}
