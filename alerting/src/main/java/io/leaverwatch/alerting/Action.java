package io.leaverwatch.alerting;

/** What to send a receiver for one finding revision. */
public enum Action {
  /** Nothing to send; the ledger still records the revision as seen. */
  NOTHING,
  /** PagerDuty {@code event_action: trigger} (first time, or the severity rose). */
  TRIGGER,
  /** PagerDuty {@code event_action: resolve}. */
  RESOLVE,
  /** Slack {@code chat.postMessage}: the finding's one message in that channel. */
  POST,
  /** Slack {@code chat.update} of that message, with the stored {@code ts}. */
  UPDATE
}
