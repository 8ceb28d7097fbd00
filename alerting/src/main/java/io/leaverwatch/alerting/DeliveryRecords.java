package io.leaverwatch.alerting;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the dispatcher reports each delivery as it settles, for the dashboards: one record per
 * finding and receiver, the newest revision winning ({@code es.ElasticsearchDeliveries} writes them
 * to {@code <prefix>-alerts}). Reporting never holds up or fails a delivery.
 */
public interface DeliveryRecords {
  DeliveryRecords NONE = r -> {};

  void record(Delivery d);

  /**
   * One (finding, receiver) as it stands.
   *
   * @param channel {@code pagerduty} or {@code slack}
   * @param lastAction trigger, resolve, post, update, digest or dead_letter
   * @param outcome delivered, dead_lettered or failing
   * @param deliveredAt when it was last delivered; null when it never was
   */
  record Delivery(
      String findingId,
      String receiver,
      String channel,
      String type,
      String severity,
      String status,
      long revision,
      String lastAction,
      String outcome,
      int attempts,
      Instant deliveredAt,
      String personId) {

    /** The document id: one per finding and receiver. */
    public String id() {
      return findingId + ":" + receiver;
    }

    /** The document, with exactly the fields of the {@code alerts} index template. */
    public Map<String, Object> document() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("finding_id", findingId);
      m.put("receiver", receiver);
      m.put("channel", channel);
      m.put("type", type);
      m.put("severity", severity);
      m.put("status", status);
      m.put("revision", revision);
      m.put("last_action", lastAction);
      m.put("outcome", outcome);
      m.put("attempts", attempts);
      m.put("delivered_at", deliveredAt == null ? null : deliveredAt.toString());
      m.put("person_id", personId);
      return m;
    }
  }
}
