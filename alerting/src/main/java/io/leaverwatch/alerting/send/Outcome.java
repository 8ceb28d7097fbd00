package io.leaverwatch.alerting.send;

import java.time.Duration;

/** How a receiver answered one request. */
public record Outcome(Kind kind, String reason, Duration retryAfter, String ts, String channel) {
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
    REJECTED
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
