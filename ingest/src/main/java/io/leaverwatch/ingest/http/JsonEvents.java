package io.leaverwatch.ingest.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits API pages and log files into events without re-serialising them: each event keeps the
 * exact bytes the source sent, located with the streaming parser's byte offsets.
 */
public final class JsonEvents {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private JsonEvents() {}

  /** A JSON array of objects (GitHub and Okta pages). */
  public static List<RawEvent> splitArray(byte[] body) throws MalformedPageException {
    try (JsonParser p = FACTORY.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_ARRAY) {
        throw new MalformedPageException(
            "expected a JSON array of events, found " + describe(first) + " at byte 0");
      }
      List<RawEvent> out = readElements(p, body);
      if (p.nextToken() != null) {
        throw new MalformedPageException(
            "unexpected content after the array at byte "
                + p.currentTokenLocation().getByteOffset());
      }
      return out;
    } catch (IOException e) {
      throw new MalformedPageException("not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The events of an object's array field, e.g. a CloudTrail log file's {@code Records}. */
  public static List<RawEvent> splitField(byte[] body, String field) throws MalformedPageException {
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedPageException("expected a JSON object with a '" + field + "' array");
      }
      List<RawEvent> out = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals(field)) {
          if (v != JsonToken.START_ARRAY) {
            throw new MalformedPageException(
                "'" + field + "' is " + describe(v) + ", not an array");
          }
          out = readElements(p, body);
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new MalformedPageException("unexpected content after the top-level object");
      }
      if (out == null) {
        throw new MalformedPageException("no '" + field + "' array in the object");
      }
      return out;
    } catch (IOException e) {
      throw new MalformedPageException("not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  /** Newline-delimited JSON objects; blank lines are allowed, anything else must be an object. */
  public static List<RawEvent> splitLines(InputStream in) throws MalformedPageException {
    List<RawEvent> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode tree;
        try {
          tree = MAPPER.readTree(line);
        } catch (IOException e) {
          throw new MalformedPageException(
              "line " + n + ": not valid JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
          throw new MalformedPageException("line " + n + ": not a JSON object");
        }
        out.add(new RawEvent(line.strip().getBytes(StandardCharsets.UTF_8), tree));
      }
    } catch (IOException e) {
      throw new MalformedPageException("cannot read: " + e.getMessage());
    }
    return out;
  }

  public static JsonNode parse(byte[] body) throws MalformedPageException {
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null) {
        throw new MalformedPageException("empty body");
      }
      return n;
    } catch (IOException e) {
      throw new MalformedPageException("not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static List<RawEvent> readElements(JsonParser p, byte[] body)
      throws IOException, MalformedPageException {
    List<RawEvent> out = new ArrayList<>();
    JsonToken t;
    int index = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw new MalformedPageException(
            "element " + index + " is " + describe(t) + ", not an event object");
      }
      int start = (int) p.currentTokenLocation().getByteOffset();
      JsonNode tree = MAPPER.readTree(p);
      int end = (int) p.currentLocation().getByteOffset();
      out.add(new RawEvent(Arrays.copyOfRange(body, start, end), tree));
      index++;
    }
    return out;
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
