package io.leaverwatch.alerting;

import java.util.concurrent.atomic.AtomicLong;

/** What the dispatcher did, for the command's summary and the demo's. */
public final class AlertStats {
  public final AtomicLong findingsIn = new AtomicLong();
  public final AtomicLong unrouted = new AtomicLong();
  public final AtomicLong pagerDutyTriggers = new AtomicLong();
  public final AtomicLong pagerDutyResolves = new AtomicLong();
  public final AtomicLong slackPosted = new AtomicLong();
  public final AtomicLong slackUpdated = new AtomicLong();

  /**
   * Slack messages (of a finding or a digest) a killed run had posted, found by their metadata and
   * adopted, not reposted.
   */
  public final AtomicLong slackAdopted = new AtomicLong();

  public final AtomicLong digests = new AtomicLong();
  public final AtomicLong digestedFindings = new AtomicLong();
  public final AtomicLong unchanged = new AtomicLong();
  public final AtomicLong rateLimited = new AtomicLong();
  public final AtomicLong retries = new AtomicLong();
  public final AtomicLong deadLettered = new AtomicLong();
  public final AtomicLong badInput = new AtomicLong();

  @Override
  public String toString() {
    return String.format(
        "findings in %d (unrouted %d); PagerDuty events %d (triggers %d, resolves %d); Slack"
            + " messages %d (posted %d, updated %d); digests %d (covering %d findings);"
            + " unchanged %d; 429s %d; retries %d; dead-lettered %d; bad input %d",
        findingsIn.get(),
        unrouted.get(),
        pagerDutyTriggers.get() + pagerDutyResolves.get(),
        pagerDutyTriggers.get(),
        pagerDutyResolves.get(),
        slackPosted.get() + slackUpdated.get(),
        slackPosted.get(),
        slackUpdated.get(),
        digests.get(),
        digestedFindings.get(),
        unchanged.get(),
        rateLimited.get(),
        retries.get(),
        deadLettered.get(),
        badInput.get());
  }
}
