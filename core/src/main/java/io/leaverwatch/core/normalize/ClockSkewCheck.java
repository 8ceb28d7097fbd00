package io.leaverwatch.core.normalize;

import io.leaverwatch.schema.AuditEvent;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An event stamped later than its own arrival plus {@code max_clock_skew} comes from a wrong clock
 * (a GitHub Enterprise host set days ahead, a file import with shifted times). Let through, it
 * would move event time for everyone: once the other partitions idle, the watermark follows it,
 * every revocation deadline fires before it is due and history is pruned. Such an event is rejected
 * with this reason (and dead-lettered), not re-stamped: its time cannot be trusted, and an event is
 * never judged at a time it does not carry.
 *
 * <p>Arrival is when the record reached Leaverwatch by our own clocks: the Kafka record's timestamp
 * in the streaming job, else the record's {@code received_at} (a connector's clock; for {@code
 * detect}, the file's last-modified time). An unknown arrival (0 or none) checks nothing.
 */
public final class ClockSkewCheck implements Serializable {
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofHours(1);

  private final Duration maxSkew;

  public ClockSkewCheck(Duration maxSkew) {
    if (maxSkew == null || maxSkew.isNegative()) {
      throw new IllegalArgumentException("max_clock_skew must be zero or more, got " + maxSkew);
    }
    this.maxSkew = maxSkew;
  }

  /** The rejection reason when {@code e} is stamped too far after {@code arrivalMillis}. */
  public Optional<String> rejection(AuditEvent e, long arrivalMillis) {
    if (arrivalMillis <= 0 || e.getEventTime() == null) {
      return Optional.empty();
    }
    long eventTime = e.getEventTime().toEpochMilli();
    if (eventTime - arrivalMillis <= maxSkew.toMillis()) {
      return Optional.empty();
    }
    return Optional.of(
        "event time "
            + e.getEventTime()
            + " is more than max_clock_skew ("
            + maxSkew
            + ") after arrival "
            + Instant.ofEpochMilli(arrivalMillis)
            + " (event "
            + e.getEventId()
            + ")");
  }
}
