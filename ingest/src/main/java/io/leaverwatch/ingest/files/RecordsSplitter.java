package io.leaverwatch.ingest.files;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.leaverwatch.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a CloudTrail S3 log file ({@code {"Records":[...]}}) that is too large for one Kafka message
 * into several smaller {@code {"Records":[...]}} documents, each holding a consecutive run of the
 * original records, in order, none dropped and none repeated.
 *
 * <p>Each record's bytes are copied exactly as they were in the file (located with the streaming
 * parser's byte offsets, never re-serialised), so the split is as lossless as the unsplit file:
 * only the envelope around them is rewritten, compactly. Top-level fields other than {@code
 * Records} are left out: CloudTrail files have none, and the normaliser reads nothing but {@code
 * Records} from such an envelope anyway.
 *
 * <p>It runs only on records already found too large, so it favours clarity over speed.
 */
final class RecordsSplitter {
  static final byte[] OPEN = "{\"Records\":[".getBytes(StandardCharsets.UTF_8);
  static final byte[] CLOSE = "]}".getBytes(StandardCharsets.UTF_8);

  /** Bytes a part adds around its records, besides one comma between neighbours. */
  static final int ENVELOPE_BYTES = OPEN.length + CLOSE.length;

  private RecordsSplitter() {}

  /** What {@link #split} made of a payload. */
  sealed interface Result permits Unsplittable, Pieces {}

  /** The payload is not a document that can be split; {@code why} says what it is instead. */
  record Unsplittable(String why) implements Result {}

  /** The payload's records, in their order, as parts and (rarely) records too large alone. */
  record Pieces(List<Piece> pieces) implements Result {}

  /** One message's worth of the original document. */
  sealed interface Piece permits Part, TooLarge {}

  /**
   * A {@code {"Records":[...]}} document holding the original records {@code first} to {@code first
   * + count - 1}; at most the requested number of bytes.
   */
  record Part(byte[] payload, int first, int count) implements Piece {}

  /**
   * One original record (the one at {@code index} of {@code Records}) that does not fit in a part
   * even alone; {@code size} is its length in bytes and {@code head} its first bytes.
   */
  record TooLarge(int index, int size, byte[] head) implements Piece {}

  /**
   * Splits {@code payload} into parts of at most {@code maxPartBytes} bytes each.
   *
   * @param headBytes how many leading bytes of a record too large alone to keep
   */
  static Result split(byte[] payload, int maxPartBytes, int headBytes) {
    List<int[]> records;
    try {
      records = locateRecords(payload);
    } catch (NotSplittable e) {
      return new Unsplittable(e.getMessage());
    } catch (StreamConstraintsException e) {
      return new Unsplittable("not accepted as JSON: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      return new Unsplittable("not valid JSON: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      return new Unsplittable("not readable as JSON: " + firstLine(e.getMessage()));
    }
    if (records.isEmpty()) {
      return new Unsplittable("its Records array is empty, the bytes are in other fields");
    }

    List<Piece> pieces = new ArrayList<>();
    ByteArrayOutputStream part = new ByteArrayOutputStream();
    int first = 0;
    int count = 0;
    for (int i = 0; i < records.size(); i++) {
      int start = records.get(i)[0];
      int length = records.get(i)[1] - start;
      if (ENVELOPE_BYTES + length > maxPartBytes) {
        if (count > 0) {
          pieces.add(close(part, first, count));
          count = 0;
        }
        pieces.add(
            new TooLarge(
                i,
                length,
                Arrays.copyOfRange(payload, start, start + Math.min(length, headBytes))));
        continue;
      }
      if (count > 0 && part.size() + 1 + length + CLOSE.length > maxPartBytes) {
        pieces.add(close(part, first, count));
        count = 0;
      }
      if (count == 0) {
        part.reset();
        part.writeBytes(OPEN);
        first = i;
      } else {
        part.write(',');
      }
      part.write(payload, start, length);
      count++;
    }
    if (count > 0) {
      pieces.add(close(part, first, count));
    }
    return new Pieces(pieces);
  }

  private static Part close(ByteArrayOutputStream part, int first, int count) {
    part.writeBytes(CLOSE);
    return new Part(part.toByteArray(), first, count);
  }

  /**
   * The {@code [start, end)} byte ranges of the elements of the top-level {@code Records} array.
   *
   * @throws NotSplittable saying why the payload is not such a document
   */
  private static List<int[]> locateRecords(byte[] payload) throws IOException, NotSplittable {
    try (JsonParser p = Json.factory().createParser(payload)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new NotSplittable(t == null ? "it is empty" : "it is not a JSON object");
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
          throw new NotSplittable("its Records field is not an array");
        }
        if (records != null) {
          throw new NotSplittable("it has more than one Records field");
        }
        records = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          // a string's end is only known once it is read to its closing quote
          p.finishToken();
          int end = (int) p.currentLocation().getByteOffset();
          if (!sliceMatches(payload, start, end, p.currentToken())) {
            throw new NotSplittable("its records could not be located byte for byte");
          }
          records.add(new int[] {start, end});
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new NotSplittable("it has content after its top-level object");
      }
      if (records == null) {
        throw new NotSplittable("it is not a CloudTrail {\"Records\":[...]} document");
      }
      return records;
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

  /** Why a payload cannot be split; its message becomes part of the rejection reason. */
  private static final class NotSplittable extends Exception {
    NotSplittable(String why) {
      super(why, null, false, false);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
