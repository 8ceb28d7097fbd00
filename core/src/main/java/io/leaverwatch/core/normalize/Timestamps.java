package io.leaverwatch.core.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads event times in every shape the sources use: ISO-8601 with {@code T} or a space, 0 to 9
 * fraction digits (with or without the dot), {@code Z}, {@code UTC}, an offset or no zone (UTC is
 * assumed), and epoch numbers (seconds below 10^11, else milliseconds).
 *
 * <p>Decisions, each a behaviour the tests pin down:
 *
 * <ul>
 *   <li>A missing time, or a placeholder without a single digit ({@code "..."}, {@code
 *       "redacted"}), returns {@code null}: the caller falls back to the record's arrival time.
 *   <li>A day past the end of its month ({@code 2017-09-31}, in Okta's own documentation) rolls
 *       over into the next month, as calendar arithmetic would: the event is kept, not lost. Months
 *       outside 1..12, days outside 1..31 or hours past 23 are rejected.
 *   <li>A value of the wrong JSON type (an object, or a number where only text is allowed) rejects
 *       the event.
 * </ul>
 */
final class Timestamps {
  private static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L;

  private Timestamps() {}

  static Instant parse(JsonNode v, String field, boolean numbersAllowed) {
    if (Fields.isAbsent(v)) {
      return null;
    }
    if (v.isTextual()) {
      return parseText(v.textValue().trim(), field);
    }
    if (v.isNumber()) {
      if (!numbersAllowed) {
        throw reject(field, "expected an ISO-8601 string, got number " + v.asText());
      }
      return fromEpoch(v.decimalValue(), field);
    }
    throw reject(field, "expected a timestamp, got " + Fields.typeName(v));
  }

  static Instant parseText(String s, String field) {
    int n = s.length();
    boolean anyDigit = false;
    boolean allDigits = n > 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      anyDigit |= digit;
      allDigits &= digit || (c == '.' && i > 0);
    }
    if (!anyDigit) {
      return null;
    }
    if (allDigits) {
      try {
        return fromEpoch(new BigDecimal(s), field);
      } catch (NumberFormatException e) {
        throw reject(field, "not a timestamp: " + quote(s));
      }
    }
    try {
      return parseIso(s, field);
    } catch (IndexOutOfBoundsException e) {
      throw reject(field, "not a timestamp: " + quote(s));
    }
  }

  private static Instant parseIso(String s, String field) {
    int n = s.length();
    int year = digits(s, 0, 4, field);
    expect(s, 4, '-', field);
    int month = digits(s, 5, 2, field);
    expect(s, 7, '-', field);
    int day = digits(s, 8, 2, field);
    int i = 10;
    int hour = 0;
    int minute = 0;
    int second = 0;
    long nanos = 0;
    int offsetSeconds = 0;
    if (i < n && (s.charAt(i) == 'T' || s.charAt(i) == 't' || s.charAt(i) == ' ')) {
      hour = digits(s, i + 1, 2, field);
      expect(s, i + 3, ':', field);
      minute = digits(s, i + 4, 2, field);
      i += 6;
      if (i < n && s.charAt(i) == ':') {
        second = digits(s, i + 1, 2, field);
        i += 3;
      }
      if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
        i++;
      }
      int count = 0;
      while (i < n && isDigit(s.charAt(i))) {
        if (count < 9) {
          nanos = nanos * 10 + (s.charAt(i) - '0');
        }
        count++;
        i++;
      }
      for (int k = Math.min(count, 9); k < 9; k++) {
        nanos *= 10;
      }
    }
    while (i < n && s.charAt(i) == ' ') {
      i++;
    }
    if (i < n) {
      char z = s.charAt(i);
      if (z == 'Z' || z == 'z') {
        i++;
      } else if (s.startsWith("UTC", i)) {
        i += 3;
      } else if (z == '+' || z == '-') {
        int oh = digits(s, i + 1, 2, field);
        i += 3;
        if (i < n && s.charAt(i) == ':') {
          i++;
        }
        int om = digits(s, i, 2, field);
        i += 2;
        offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      }
    }
    if (i != n) {
      throw reject(field, "not a timestamp: " + quote(s));
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
      throw reject(field, "impossible date or time: " + quote(s));
    }
    // leap second 60 is folded into 59: CloudTrail never emits it, but a hand-edited log might
    LocalDate date = LocalDate.of(year, month, 1).plusDays(day - 1L);
    long epochSecond =
        date.toEpochDay() * 86_400L
            + hour * 3600L
            + minute * 60L
            + Math.min(second, 59)
            - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  private static Instant fromEpoch(BigDecimal value, String field) {
    if (value.signum() < 0) {
      throw reject(field, "negative epoch time " + value.toPlainString());
    }
    BigDecimal millis =
        value.compareTo(BigDecimal.valueOf(EPOCH_MILLIS_THRESHOLD)) < 0
            ? value.movePointRight(3)
            : value;
    if (millis.compareTo(BigDecimal.valueOf(253_402_300_800_000L)) >= 0) {
      throw reject(field, "epoch time beyond year 9999: " + value.toPlainString());
    }
    return Instant.ofEpochMilli(millis.longValue());
  }

  private static int digits(String s, int from, int count, String field) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        throw reject(field, "not a timestamp: " + quote(s));
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static void expect(String s, int at, char c, String field) {
    if (s.charAt(at) != c) {
      throw reject(field, "not a timestamp: " + quote(s));
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
  }

  private static RejectedEventException reject(String field, String what) {
    return new RejectedEventException("field '" + field + "': " + what);
  }
}
