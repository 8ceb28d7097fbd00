package io.leaverwatch.core.read;

import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A record that was already refused before normalisation (a line over the size limit, bytes a Kafka
 * source could not decode) still travels as a {@link RawAuditRecord}, marked in its {@code source},
 * so that it reaches the dead letters with its reason instead of vanishing where it was refused.
 * {@link io.leaverwatch.core.normalize.EventNormalizer} turns it into a rejection.
 */
public final class RejectedRecords {
  /** {@code source} of a refused record; the reason follows the prefix. */
  public static final String PREFIX = "!rejected:";

  private RejectedRecords() {}

  public static RawAuditRecord of(
      String reason, String origin, String cursor, byte[] original, Instant receivedAt) {
    return RawAuditRecord.newBuilder()
        .setSource(PREFIX + reason)
        .setReceivedAt(receivedAt)
        .setOrigin(origin == null ? "unknown" : origin)
        .setCursor(cursor)
        .setPayload(ByteBuffer.wrap(original == null ? new byte[0] : original))
        .build();
  }

  /** The reason of a refused record, or null for an ordinary one. */
  public static String reasonOf(RawAuditRecord r) {
    String s = r == null ? null : r.getSource();
    return s != null && s.startsWith(PREFIX) ? s.substring(PREFIX.length()) : null;
  }
}
