package io.leaverwatch.ingest.files;

import io.leaverwatch.core.json.RecordsArray;
import java.io.ByteArrayOutputStream;
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
      records = RecordsArray.locate(payload);
    } catch (RecordsArray.NotARecordsDocument e) {
      return new Unsplittable(e.getMessage());
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
}
