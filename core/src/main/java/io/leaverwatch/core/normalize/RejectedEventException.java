package io.leaverwatch.core.normalize;

/**
 * Thrown inside the normalisers when an event cannot be turned into an AuditEvent; {@link
 * EventNormalizer} turns it into a {@link Normalization.Rejection} carrying the message.
 */
final class RejectedEventException extends RuntimeException {
  RejectedEventException(String reason) {
    super(reason, null, false, false);
  }
}
