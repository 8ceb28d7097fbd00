package io.leaverwatch.core.normalize;

import io.leaverwatch.schema.AuditEvent;
import java.util.Objects;

/** What became of one event of a raw record: a normalised event or a rejection with its reason. */
public sealed interface Normalization permits Normalization.Normalized, Normalization.Rejection {

  /** A source event turned into the common model. */
  record Normalized(AuditEvent event) implements Normalization {
    public Normalized {
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * A record (or one event inside it) that could not be normalised.
   *
   * @param reason why, naming the field where there is one
   * @param original the bytes exactly as received (the whole record)
   * @param origin where the record came from (file path, URL, S3 key)
   * @param cursor position in the origin (line number, index)
   * @param sourceHint the source the record looked like, or null when unknown
   */
  record Rejection(String reason, byte[] original, String origin, String cursor, String sourceHint)
      implements Normalization {
    public Rejection {
      Objects.requireNonNull(reason, "reason");
      original = original == null ? new byte[0] : original;
    }
  }
}
