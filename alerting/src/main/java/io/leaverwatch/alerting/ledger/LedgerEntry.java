package io.leaverwatch.alerting.ledger;

/**
 * What one receiver has been told about one finding. No secret and no attacker-controlled text
 * beyond the finding's own identifiers is kept here.
 *
 * @param revision the newest finding revision this receiver has acted on (sent or deliberately
 *     skipped)
 * @param status the finding status the receiver last saw: {@code OPEN} or {@code RESOLVED}
 * @param severity the severity last sent (PagerDuty re-triggers only when it rises)
 * @param state how it was delivered
 * @param ts the Slack message timestamp that later revisions update in place
 * @param channel the Slack channel id that message lives in
 * @param digestLine for {@link State#DIGEST_PENDING}: the line the digest will show
 * @param intent a send that was about to happen when this entry was written (write-ahead): null
 *     once the send is settled. A restart that finds one knows the request may have reached the
 *     receiver, and for Slack looks the message up before posting again.
 */
public record LedgerEntry(
    String findingId,
    String receiver,
    long revision,
    String status,
    String severity,
    State state,
    String ts,
    String channel,
    String digestLine,
    long atMillis,
    Intent intent) {

  public LedgerEntry(
      String findingId,
      String receiver,
      long revision,
      String status,
      String severity,
      State state,
      String ts,
      String channel,
      String digestLine,
      long atMillis) {
    this(
        findingId,
        receiver,
        revision,
        status,
        severity,
        state,
        ts,
        channel,
        digestLine,
        atMillis,
        null);
  }

  public enum State {
    /** Sent on its own (a PagerDuty event, a Slack message). */
    DELIVERED,
    /** Over the receiver's budget for the window: waits for the window's digest. */
    DIGEST_PENDING,
    /** Included in a digest that was sent. */
    DIGESTED,
    /** Refused permanently by the receiver: in the DLQ with the reason. */
    DEAD,
    /** Nothing settled yet: only the {@link #intent} of a first send is recorded. */
    NONE
  }

  /**
   * A request about to be sent: the action (TRIGGER, RESOLVE, POST, UPDATE), the finding revision,
   * status and severity it carries, and when it was written (bounds the Slack history lookup).
   */
  public record Intent(
      String action, long revision, String status, String severity, long atMillis) {}

  /** Whether anything was settled for this receiver (a {@link State#NONE} entry counts as none). */
  public boolean settled() {
    return state != State.NONE;
  }

  public LedgerEntry withIntent(Intent i) {
    return new LedgerEntry(
        findingId,
        receiver,
        revision,
        status,
        severity,
        state,
        ts,
        channel,
        digestLine,
        atMillis,
        i);
  }

  public String key() {
    return key(findingId, receiver);
  }

  public static String key(String findingId, String receiver) {
    return findingId + "\u0000" + receiver;
  }
}
