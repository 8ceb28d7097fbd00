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
    for (List<String> alternative : step.anyOf()) {
      long doneAt = Long.MIN_VALUE;
      List<String> ids = new ArrayList<>();
      boolean satisfied = true;
      for (String action : alternative) {
        if (action.equals(RevocationStep.ALL_ACCESS_KEYS_REVOKED)) {
          Long t = allKeysRevokedAt(s, from, now, ids);
          if (t == null) {
            satisfied = false;
            break;
          }
          doneAt = Math.max(doneAt, t);
        } else {
          EventRef e = firstSuccess(s, step.system(), action, from, now);
          if (e == null) {
            satisfied = false;
            break;
          }
          doneAt = Math.max(doneAt, e.time);
          ids.add(e.eventId);
        }
      }
      if (satisfied && (best == null || doneAt < best)) {
        best = doneAt == Long.MIN_VALUE ? from : doneAt;
        bestIds = ids;
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
    if (best != null) {
      StepState state = best <= deadline ? StepState.ON_TIME : StepState.LATE;
      return new StepResult(state, best, bestIds, failed, null);
    }
    if (deadline > now) {
      return new StepResult(StepState.PENDING, null, failedIds, failed, null);
    }
    if (failed > 0) {
      return new StepResult(
          StepState.FAILED,
          null,
          failedIds,
          failed,
          failed + " failed attempt(s)" + (failReason == null ? "" : ", last: " + failReason));
    }
    return new StepResult(StepState.MISSING, null, List.of(), 0, "no revocation event seen");
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

  /** When every known access key had been deleted or made inactive; null if one still is not. */
  private static Long allKeysRevokedAt(PersonState s, long from, long now, List<String> ids) {
    long latest = Long.MIN_VALUE;
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
      latest = Math.max(latest, revoked.time);
      ids.add(revoked.eventId);
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
