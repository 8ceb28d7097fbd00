package io.leaverwatch.alerting.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends nothing and answers as the real API would on success ({@code --dry-run}): the dispatcher
 * writes each payload to the payload folder as it would for a real send.
 */
public final class DryRunSender implements AlertSender {
  private final AtomicLong seq = new AtomicLong();

  @Override
  public Outcome send(String method, ObjectNode body) {
    String channel = body.path("channel").asText(null);
    String ts =
        body.hasNonNull("ts") ? body.get("ts").asText() : "dry-run." + seq.incrementAndGet();
    return Outcome.delivered(ts, channel);
  }
}
