package io.leaverwatch.alerting.es;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.GetResponse;
import io.leaverwatch.alerting.DeliveryRecords.Delivery;
import io.leaverwatch.embedded.SharedEmbeddedServices;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery documents in a real (embedded) Elasticsearch: one per finding and receiver. */
class ElasticsearchDeliveriesITCase {
  static final Instant T = Instant.parse("2026-03-02T13:00:00Z");
  static ElasticsearchClient client;

  @BeforeAll
  static void node() {
    client = SharedEmbeddedServices.elasticsearch().client();
  }

  static Delivery d(long revision, String action, String outcome, int attempts, Instant at) {
    return new Delivery(
        "f-1",
        "leavers-channel",
        "slack",
        "RETAINED_ACCESS",
        "HIGH",
        revision > 2 ? "RESOLVED" : "OPEN",
        revision,
        action,
        outcome,
        attempts,
        at,
        "p-0042");
  }

  @SuppressWarnings("rawtypes")
  static GetResponse<Map> get(String index) throws Exception {
    client.indices().refresh(r -> r.index(index));
    return client.get(g -> g.index(index).id("f-1:leavers-channel"), Map.class);
  }

  @Test
  void theNewestRevisionWinsAndALaterStepOfTheSameRevisionReplacesIt() throws Exception {
    ElasticsearchDeliveries es = new ElasticsearchDeliveries(client, "lw-it-deliveries");
    String index = ElasticsearchDeliveries.indexName("lw-it-deliveries");
    assertThat(index).isEqualTo("lw-it-deliveries-alerts");

    es.record(d(2, "update", "failing", 1, null));
    es.record(d(2, "update", "delivered", 2, T));
    es.record(d(1, "post", "delivered", 1, T.minusSeconds(60))); // late, older: refused
    @SuppressWarnings("rawtypes")
    GetResponse<Map> doc = get(index);
    assertThat(doc.version()).isEqualTo(2);
    assertThat(doc.source())
        .containsOnlyKeys(
            "finding_id",
            "receiver",
            "channel",
            "type",
            "severity",
            "status",
            "revision",
            "last_action",
            "outcome",
            "attempts",
            "delivered_at",
            "person_id")
        .containsEntry("last_action", "update")
        .containsEntry("outcome", "delivered")
        .containsEntry("attempts", 2)
        .containsEntry("delivered_at", T.toString());

    es.record(d(3, "update", "delivered", 1, T.plusSeconds(60)));
    assertThat(get(index).source()).containsEntry("status", "RESOLVED");
    assertThat(es.failures()).isZero();
  }
}
