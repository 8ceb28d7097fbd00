package io.leaverwatch.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each record of a CloudTrail file ({@code {"Records":[{...},{...}]}}) lies in its bytes,
 * found with the streaming parser's byte offsets: the normaliser keeps a record's own text as its
 * raw event, and {@code ingest files} cuts a file too large for one message into parts without
 * writing any record out again.
 */
public final class RecordsArray {
  private RecordsArray() {}

  /** Why a text is not a CloudTrail records document; the message is the reason. */
  public static final class NotARecordsDocument extends Exception {
    NotARecordsDocument(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * The {@code [start, end)} byte ranges of the elements of the top-level {@code Records} array, in
   * order.
   *
   * @throws NotARecordsDocument saying what the text is instead (not JSON, not an object, no or
   *     more than one {@code Records} array, content after the object)
   */
  public static List<int[]> locate(byte[] payload) throws NotARecordsDocument {
    try (JsonParser p = Json.factory().createParser(payload)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new NotARecordsDocument(t == null ? "it is empty" : "it is not a JSON object");
      }
      List<int[]> records = null;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!"Records".equals(name)) {
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new NotARecordsDocument("its Records field is not an array");
        }
        if (records != null) {
          // the tree parser keeps the last one: no guessing which the reader meant
          throw new NotARecordsDocument("it has more than one Records field");
        }
        records = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          // a string's end is only known once it is read to its closing quote
          p.finishToken();
          int end = (int) p.currentLocation().getByteOffset();
          if (!sliceMatches(payload, start, end, p.currentToken())) {
            throw new NotARecordsDocument("its records could not be located byte for byte");
          }
          records.add(new int[] {start, end});
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new NotARecordsDocument("it has content after its top-level object");
      }
      if (records == null) {
        throw new NotARecordsDocument("it is not a CloudTrail {\"Records\":[...]} document");
      }
      return records;
    } catch (StreamConstraintsException e) {
      throw new NotARecordsDocument("not accepted as JSON: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new NotARecordsDocument("not valid JSON: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new NotARecordsDocument("not readable as JSON: " + firstLine(e.getMessage()));
    }
  }

  /** Guards the offsets: the bytes cut out must begin and end as the token they stand for. */
  private static boolean sliceMatches(byte[] b, int start, int end, JsonToken last) {
    if (start < 0 || end > b.length || end <= start) {
      return false;
    }
    return switch (last) {
      case END_OBJECT -> b[start] == '{' && b[end - 1] == '}';
      case END_ARRAY -> b[start] == '[' && b[end - 1] == ']';
      case VALUE_STRING -> b[start] == '"' && b[end - 1] == '"';
      default -> true;
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
