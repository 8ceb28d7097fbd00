package io.leaverwatch.alerting.send;

import java.time.Duration;

/** How a receiver answered one request. */
public record Outcome(
    Kind kind, String reason, Duration retryAfter, String ts, String channel, long revision) {
  public enum Kind {
    /** Accepted (PagerDuty 202, Slack {@code ok:true}). */
    DELIVERED,
    /** 429: wait {@code retryAfter} (or back off when the receiver did not say). */
    RATE_LIMITED,
    /** 5xx, a timeout, a refused connection: retry with capped exponential back-off. */
    RETRY,
    /** 401/403, Slack invalid_auth and the like: the receiver is failing; keep and retry. */
    AUTH_FAILED,
    /** Refused for good (PagerDuty 400, Slack {@code invalid_blocks}): to the DLQ with reason. */
    REJECTED,
    /** A lookup found no message of the finding: it was never posted. */
    NOT_FOUND
  }

  public Outcome(Kind kind, String reason, Duration retryAfter, String ts, String channel) {
    this(kind, reason, retryAfter, ts, channel, -1);
  }

  /** A lookup found the finding's message at {@code ts}, carrying {@code revision}. */
  public static Outcome found(String ts, String channel, long revision) {
    return new Outcome(Kind.DELIVERED, null, null, ts, channel, revision);
  }

  public static Outcome notFound(String reason) {
    return new Outcome(Kind.NOT_FOUND, reason, null, null, null);
  }

  public static Outcome delivered(String ts, String channel) {
    return new Outcome(Kind.DELIVERED, null, null, ts, channel);
  }

  public static Outcome rateLimited(Duration retryAfter, String reason) {
    return new Outcome(Kind.RATE_LIMITED, reason, retryAfter, null, null);
  }

  public static Outcome retry(String reason) {
    return new Outcome(Kind.RETRY, reason, null, null, null);
  }

  public static Outcome authFailed(String reason) {
    return new Outcome(Kind.AUTH_FAILED, reason, null, null, null);
  }

  public static Outcome rejected(String reason) {
    return new Outcome(Kind.REJECTED, reason, null, null, null);
  }
}
