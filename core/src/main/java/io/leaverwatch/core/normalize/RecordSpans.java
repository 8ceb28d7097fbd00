package io.leaverwatch.core.normalize;

/**
 * Finds, in the text of a CloudTrail file ({@code {"Records":[{...},{...}]}}), where each element
 * of the top-level {@code Records} array begins and ends, with one scan that skips string bodies.
 * The text has already been parsed as valid JSON; anything unexpected (no Records array, a second
 * Records key, which the parser would resolve to the last one) gives null and the caller falls back
 * to writing the parsed record out again.
 */
final class RecordSpans {
  private static final byte[] RECORDS =
      "\"Records\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private RecordSpans() {}

  /** {@code [from0, to0, from1, to1, ...]}, or null. */
  static int[] of(byte[] json) {
    int n = json.length;
    int i = skipSpace(json, skipBom(json));
    if (i >= n || json[i] != '{') {
      return null;
    }
    i++;
    int[] spans = null;
    while (true) {
      i = skipSpace(json, i);
      if (i >= n) {
        return null;
      }
      if (json[i] == '}') {
        return spans;
      }
      if (json[i] == ',') {
        i = skipSpace(json, i + 1);
      }
      if (i >= n || json[i] != '"') {
        return null;
      }
      int keyStart = i;
      i = skipString(json, i);
      boolean isRecords = i - keyStart == RECORDS.length && startsWith(json, keyStart, RECORDS);
      i = skipSpace(json, i);
      if (i >= n || json[i] != ':') {
        return null;
      }
      i = skipSpace(json, i + 1);
      if (isRecords) {
        if (spans != null || i >= n || json[i] != '[') {
          return null;
        }
        int[] found = new int[16];
        int count = 0;
        i = skipSpace(json, i + 1);
        while (i < n && json[i] != ']') {
          if (json[i] == ',') {
            i = skipSpace(json, i + 1);
          }
          int from = i;
          i = skipValue(json, i);
          if (i < 0) {
            return null;
          }
          if (count + 2 > found.length) {
            found = java.util.Arrays.copyOf(found, found.length * 2);
          }
          found[count++] = from;
          found[count++] = i;
          i = skipSpace(json, i);
        }
        if (i >= n) {
          return null;
        }
        spans = java.util.Arrays.copyOf(found, count);
        i++;
      } else {
        i = skipValue(json, i);
        if (i < 0) {
          return null;
        }
      }
    }
  }

  private static int skipBom(byte[] json) {
    return json.length >= 3
            && (json[0] & 0xff) == 0xEF
            && (json[1] & 0xff) == 0xBB
            && (json[2] & 0xff) == 0xBF
        ? 3
        : 0;
  }

  private static boolean startsWith(byte[] json, int at, byte[] prefix) {
    for (int k = 0; k < prefix.length; k++) {
      if (json[at + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  private static int skipSpace(byte[] json, int i) {
    while (i < json.length) {
      byte b = json[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  /** {@code json[i]} is the opening quote; returns the index after the closing one. */
  private static int skipString(byte[] json, int i) {
    i++;
    while (i < json.length) {
      byte c = json[i++];
      if (c == '"') {
        return i;
      }
      if (c == '\\') {
        i++;
      }
    }
    return json.length;
  }

  /** The index after the value starting at {@code i}, or -1 if the text ends inside it. */
  private static int skipValue(byte[] json, int i) {
    int n = json.length;
    if (i >= n) {
      return -1;
    }
    byte b = json[i];
    if (b == '"') {
      int end = skipString(json, i);
      return end > n ? -1 : end;
    }
    if (b == '{' || b == '[') {
      int depth = 0;
      while (i < n) {
        byte c = json[i];
        if (c == '"') {
          i = skipString(json, i);
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      return -1;
    }
    // a number, true, false or null
    while (i < n) {
      byte c = json[i];
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        break;
      }
      i++;
    }
    return i;
  }
}
