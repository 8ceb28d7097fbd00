package io.leaverwatch.alerting;

import io.leaverwatch.alerting.ledger.LedgerEntry;
import io.leaverwatch.alerting.routes.AlertRoutes.Kind;
import io.leaverwatch.alerting.routes.RouteMatcher;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.Severity;
import java.util.Optional;

/**
 * Decides, from the ledger entry of a finding and receiver and the finding's revision, what to
 * send. A revision at or below the one the receiver already acted on is stale and sends nothing, so
 * only the newest revision ever reaches a person, whatever order revisions arrive in.
 */
public final class DeliveryPlanner {
  private DeliveryPlanner() {}

  public static Action plan(Kind kind, Finding f, Optional<LedgerEntry> previous) {
    boolean resolved = f.getStatus() == FindingStatus.RESOLVED;
    LedgerEntry e = previous.orElse(null);
    if (e != null && f.getRevision() <= e.revision()) {
      return Action.NOTHING;
    }
    if (e == null || e.state() == LedgerEntry.State.DEAD || !e.settled()) {
      // Nobody was told it was open, and it no longer needs anyone: do not page for a closed case.
      // Unless a killed run may have told them: a trigger it meant to send is resolved, and a
      // Slack post it meant to make is looked up (and updated to resolved if it exists).
      if (resolved) {
        String meant = e == null || e.intent() == null ? "" : e.intent().action();
        if (kind == Kind.PAGERDUTY && meant.equals(Action.TRIGGER.name())) {
          return Action.RESOLVE;
        }
        if (kind == Kind.SLACK && meant.equals(Action.POST.name())) {
          return Action.POST;
        }
        return Action.NOTHING;
      }
      return kind == Kind.PAGERDUTY ? Action.TRIGGER : Action.POST;
    }
    if (e.state() == LedgerEntry.State.DIGEST_PENDING) {
      return Action.NOTHING; // the digest will mention it; the ledger keeps the newest revision
    }
    if (kind == Kind.SLACK) {
      return e.ts() != null ? Action.UPDATE : Action.NOTHING;
    }
    boolean wasOpen = !FindingStatus.RESOLVED.name().equals(e.status());
    if (resolved) {
      return wasOpen && e.state() == LedgerEntry.State.DELIVERED ? Action.RESOLVE : Action.NOTHING;
    }
    if (!wasOpen) {
      return Action.TRIGGER; // reopened
    }
    return rises(f.getSeverity(), e.severity()) ? Action.TRIGGER : Action.NOTHING;
  }

  /** Whether a plan for a receiver that has no entry yet is a first delivery (digest budget). */
  public static boolean isFirstDelivery(Action a, Optional<LedgerEntry> previous) {
    return (a == Action.TRIGGER || a == Action.POST)
        && (previous.isEmpty()
            || previous.get().state() == LedgerEntry.State.DEAD
            || !previous.get().settled());
  }

  private static boolean rises(Severity now, String before) {
    Severity b;
    try {
      b = before == null ? null : Severity.valueOf(before);
    } catch (IllegalArgumentException ex) {
      b = null;
    }
    return RouteMatcher.rank(now) > RouteMatcher.rank(b);
  }
}
