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
 *     receiver, and for Slack looks the message up before posting again. On a {@link
 *     State#DIGEST_PENDING} entry it names the digest being sent ({@link Intent#isDigest}).
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
   * A request about to be sent: the action (TRIGGER, RESOLVE, POST, UPDATE, or {@value #DIGEST} for
   * a finding in a digest about to go out), the finding revision, status and severity it carries,
   * and when it was written (bounds the Slack history lookup).
   *
   * @param digestId for {@value #DIGEST}: the digest the finding is in, the same on every member's
   *     entry (what the digest's Slack metadata carries); null otherwise
   * @param digestWindowMillis for {@value #DIGEST}: the start of the digest's window, so a restart
   *     renders the same digest (and PagerDuty dedup_key) again
   */
  public record Intent(
      String action,
      long revision,
      String status,
      String severity,
      long atMillis,
      String digestId,
      long digestWindowMillis) {
    /** The action of a finding's intent while the digest it is in is being sent. */
    public static final String DIGEST = "DIGEST";

    public Intent(String action, long revision, String status, String severity, long atMillis) {
      this(action, revision, status, severity, atMillis, null, 0);
    }

    /** The intent written on every member of a digest before the digest is sent. */
    public static Intent digest(LedgerEntry member, String digestId, long windowMillis, long at) {
      return new Intent(
          DIGEST,
          member.revision(),
          member.status(),
          member.severity(),
          at,
          digestId,
          windowMillis);
    }

    /** Whether this is a member's share of a digest's intent. */
    public boolean isDigest() {
      return DIGEST.equals(action) && digestId != null;
    }
  }

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
