package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.schema.StepState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a revocation step was done, looking only at events up to a given instant. A
 * failed revocation (error code, FAILURE outcome) is never evidence: it only turns MISSING into
 * FAILED.
 */
public final class StepEvaluator {
  private StepEvaluator() {}

  /** Evidence counts from a day before the notice (or departure): early offboarding is fine. */
  public static long evidenceFrom(PersonState s) {
    return s.flaggedFrom() - 24L * 3600_000L;
  }

  public static long deadline(PersonState s, RevocationStep step) {
    return s.departedAt + step.sla().toMillis();
  }

  public static StepResult evaluate(PersonState s, RevocationStep step, long now) {
    long from = evidenceFrom(s);
    long deadline = deadline(s, step);
    Long best = null;
    List<String> bestIds = List.of();
    EventRef bestBy = null;
    for (List<String> alternative : step.anyOf()) {
      long doneAt = Long.MIN_VALUE;
      EventRef doneBy = null;
      List<String> ids = new ArrayList<>();
      boolean satisfied = true;
      for (String action : alternative) {
        if (action.equals(RevocationStep.ALL_ACCESS_KEYS_REVOKED)) {
          EventRef last = allKeysRevokedAt(s, from, now, ids);
          if (last == null) {
            satisfied = false;
            break;
          }
          if (last.time > doneAt) {
            doneAt = last.time;
            doneBy = last.eventId == null ? null : last;
          }
        } else {
          EventRef e = firstSuccess(s, step.system(), action, from, now);
          if (e == null) {
            satisfied = false;
            break;
          }
          if (e.time > doneAt) {
            doneAt = e.time;
            doneBy = e;
          }
          ids.add(e.eventId);
        }
      }
      if (satisfied && (best == null || doneAt < best)) {
        best = doneAt == Long.MIN_VALUE ? from : doneAt;
        bestIds = ids;
        bestBy = doneBy;
      }
    }
    int failed = 0;
    List<String> failedIds = new ArrayList<>();
    String failReason = null;
    for (EventRef e : s.notable) {
      if (e.failed
          && e.time >= from
          && e.time <= now
          && e.system().equals(step.system())
          && step.isEvidence(e.action)) {
        failed++;
        failedIds.add(e.eventId);
        failReason = e.reason;
      }
    }
    EventRef lastActivity = lastActivity(s, step.system(), now);
    if (best != null) {
      StepState state = best <= deadline ? StepState.ON_TIME : StepState.LATE;
      return new StepResult(state, best, bestIds, failed, null).withEvidence(bestBy, lastActivity);
    }
    if (deadline > now) {
      return new StepResult(StepState.PENDING, null, failedIds, failed, null)
          .withEvidence(null, lastActivity);
    }
    if (failed > 0) {
      return new StepResult(
              StepState.FAILED,
              null,
              failedIds,
              failed,
              failed + " failed attempt(s)" + (failReason == null ? "" : ", last: " + failReason))
          .withEvidence(null, lastActivity);
    }
    return new StepResult(StepState.MISSING, null, List.of(), 0, "no revocation event seen")
        .withEvidence(null, lastActivity);
  }

  /**
   * The person's latest activity as actor (failed attempts too) on a system up to {@code now}, from
   * the hourly buckets. Past a bucket's kept events only the time is known: the result then has
   * that time and no event id.
   */
  static EventRef lastActivity(PersonState s, String system, long now) {
    EventRef last = null;
    for (ActivityBucket b : s.activity.values()) {
      if (!system.equals(Systems.ofSource(b.source)) || b.hourStart > now) {
        continue;
      }
      for (EventRef e : b.refs) {
        if (e.time <= now && (last == null || e.time > last.time)) {
          last = e;
        }
      }
      if (b.overflowCount > 0
          && b.overflowLast <= now
          && (last == null || b.overflowLast > last.time)) {
        EventRef overflow = new EventRef();
        overflow.time = b.overflowLast;
        last = overflow;
      }
    }
    return last;
  }

  private static EventRef firstSuccess(
      PersonState s, String system, String action, long from, long now) {
    EventRef best = null;
    for (EventRef e : s.notable) {
      if (!e.failed
          && e.time >= from
          && e.time <= now
          && action.equals(e.action)
          && system.equals(e.system())
          && ("TARGET".equals(e.role) || e.selfAction)
          && (best == null || e.time < best.time)) {
        best = e;
      }
    }
    return best;
  }

  /**
   * The revocation that left no known access key active (the latest of each key's first deletion or
   * deactivation); null if one still is active. With no known key, an event with no id at {@code
   * from}.
   */
  private static EventRef allKeysRevokedAt(PersonState s, long from, long now, List<String> ids) {
    EventRef latest = null;
    for (Map.Entry<String, Long> key : s.accessKeys.entrySet()) {
      EventRef revoked = null;
      for (EventRef e : s.notable) {
        if (!e.failed
            && e.time >= from
            && e.time <= now
            && key.getKey().equals(e.accessKeyId)
            && isKeyRevocation(e)
            && (revoked == null || e.time < revoked.time)) {
          revoked = e;
        }
      }
      if (revoked == null) {
        return null;
      }
      if (latest == null || revoked.time > latest.time) {
        latest = revoked;
      }
      ids.add(revoked.eventId);
    }
    if (latest == null) {
      EventRef none = new EventRef();
      none.time = Long.MIN_VALUE;
      return none;
    }
    return latest;
  }

  static boolean isKeyRevocation(EventRef e) {
    if ("DeleteAccessKey".equals(e.action)) {
      return true;
    }
    return "UpdateAccessKey".equals(e.action)
        && e.raw != null
        && e.raw.toLowerCase(Locale.ROOT).replace(" ", "").contains("\"status\":\"inactive\"");
  }
}
