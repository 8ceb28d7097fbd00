package io.leaverwatch.core.read;

import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.schema.RawAuditRecord;

/** One unit read from an input: a record, or a line too large to hold, kept as evidence. */
public sealed interface ReadItem permits ReadItem.Record, ReadItem.Oversized {

  record Record(RawAuditRecord record) implements ReadItem {}

  /**
   * A line (or single-document file) longer than the reader's cap: only its first bytes are kept.
   *
   * @param size its full length in bytes
   * @param head its first bytes (at most {@link RecordReader#OVERSIZED_HEAD_BYTES})
   */
  record Oversized(String origin, String cursor, long size, long limit, byte[] head)
      implements ReadItem {
    public Normalization.Rejection toRejection() {
      return new Normalization.Rejection(
          "record of "
              + size
              + " bytes is larger than the "
              + limit
              + "-byte limit; only its first "
              + head.length
              + " bytes are kept",
          head,
          origin,
          cursor,
          null);
    }
  }
}
