package io.leaverwatch.alerting.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Sends one rendered body to one receiver. {@code method} is the API method, e.g. chat.update. */
public interface AlertSender {
  Outcome send(String method, ObjectNode body);

  /**
   * Looks for the message a killed run may have posted for this finding in {@code channel} since
   * {@code oldest}: {@link Outcome#found} with its {@code ts} and revision, {@link
   * Outcome.Kind#NOT_FOUND}, or a failure to retry. Receivers that cannot be asked (PagerDuty's
   * Events API has no read side) answer NOT_FOUND, and the send is repeated.
   */
  default Outcome findPosted(String channel, String findingId, String receiver, Instant oldest) {
    return Outcome.notFound("this receiver cannot be asked");
  }

  /**
   * Like {@link #findPosted}, for the digest a killed run may have posted: the message whose
   * metadata names {@code digestId}. Receivers that cannot be asked answer NOT_FOUND.
   */
  default Outcome findDigestPosted(
      String channel, String digestId, String receiver, Instant oldest) {
    return Outcome.notFound("this receiver cannot be asked");
  }
}
