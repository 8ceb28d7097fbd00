package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.StepState;

/**
 * The {@code revision} of a finding or a step status: a number that grows with what is known about
 * it, computed from its content alone. Elasticsearch writes it as the external version, so an older
 * version never overwrites a newer one, whether it comes late, from a replay after a restore from a
 * checkpoint, or from a restart from scratch: a replay rebuilds the same state and with it the same
 * revision, and a write of a revision already there is refused with a version conflict, which the
 * sink counts as delivered.
 *
 * <p><b>Findings.</b> {@code base = max(last_seen, resolved_at) + event_count} (epoch millis and a
 * count), {@code revision = 2 × base}, plus one when the finding is {@code RESOLVED}. A finding
 * only grows: more events (the count rises), later events ({@code last_seen} rises), a newer
 * snapshot ({@code last_seen} = when it was observed); each change raises the base. Resolving it at
 * or after its last event ranks above every open version of the same evidence, and activity after
 * the resolution (a later {@code last_seen}) ranks above the resolution.
 *
 * <p><b>Step statuses.</b> {@code revision = rank × 2^58 + tie × 2^12 + min(evidence, 4095)}, with
 * the rank of the state in the order knowledge moves it: {@code PENDING} 0, {@code MISSING} 1,
 * {@code FAILED} 2, {@code LATE} 3, {@code ON_TIME} 4 (a deadline passes: PENDING becomes MISSING
 * or FAILED; a revocation is seen: LATE or ON_TIME; a revocation that arrives late but happened
 * before the deadline turns LATE into ON_TIME). {@code evidence} is the number of revocation (or
 * failed revocation) events behind the state. The tie adds what can only grow as events are added
 * within a state: the person's last activity on the system ({@code last_activity_at}, epoch millis,
 * 0 when none), and in a done state how early the step was done ({@code 2^44 − 1 − completed_at}:
 * the earliest revocation wins). Both parts only rise, so their sum rises whenever either does: a
 * status re-judged with a later last activity replaces the one that had the older. A status judged
 * as of an earlier instant, PENDING after MISSING, never overwrites the later judgement.
 */
public final class Revisions {
  private static final long MAX_MILLIS = (1L << 44) - 1; // year 2527

  private Revisions() {}

  public static long of(Finding f) {
    long at = f.getLastSeen() == null ? 0 : f.getLastSeen().toEpochMilli();
    if (f.getResolvedAt() != null) {
      at = Math.max(at, f.getResolvedAt().toEpochMilli());
    }
    long base = clamp(at, MAX_MILLIS) + clamp(f.getEventCount(), MAX_MILLIS);
    return 2 * base + (f.getStatus() == FindingStatus.RESOLVED ? 1 : 0);
  }

  /** Sets the finding's revision from its content; call it after the last change to the finding. */
  public static Finding stamp(Finding f) {
    f.setRevision(of(f));
    return f;
  }

  /**
   * @param completedAt when the step was done (epoch millis), null while it is not
   * @param evidence how many events back the state: revocations, or failed attempts
   * @param lastActivityAt the person's last activity on the step's system (epoch millis), or null
   */
  public static long ofStep(StepState state, Long completedAt, long evidence, Long lastActivityAt) {
    long rank =
        switch (state) {
          case PENDING -> 0;
          case MISSING -> 1;
          case FAILED -> 2;
          case LATE -> 3;
          case ON_TIME -> 4;
        };
    long tie = lastActivityAt == null ? 0 : clamp(lastActivityAt, MAX_MILLIS);
    if (completedAt != null && (state == StepState.LATE || state == StepState.ON_TIME)) {
      tie += MAX_MILLIS - clamp(completedAt, MAX_MILLIS);
    }
    // tie < 2^45, so tie × 2^12 < 2^57 stays below the rank's bits (rank ≤ 4: below 2^61)
    return (rank << 58) | (tie << 12) | clamp(evidence, 4095);
  }

  private static long clamp(long v, long max) {
    return Math.max(0, Math.min(v, max));
  }
}
