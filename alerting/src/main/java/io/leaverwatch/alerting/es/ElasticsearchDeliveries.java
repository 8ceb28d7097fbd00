package io.leaverwatch.alerting.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.transport.TransportException;
import io.leaverwatch.alerting.DeliveryRecords;
import java.io.IOException;
import org.elasticsearch.client.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery documents in {@code <prefix>-alerts}: id {@code finding_id:receiver}, external version
 * the finding revision ({@code external_gte}: a later step of the same revision, failing then
 * delivered, replaces the document; an older revision arriving late is refused with a conflict and
 * ignored). A write that fails is logged and dropped: the dashboards lag, alerts do not.
 */
public final class ElasticsearchDeliveries implements DeliveryRecords {
  private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchDeliveries.class);

  private final ElasticsearchClient client;
  private final String index;
  private long failures;

  public ElasticsearchDeliveries(ElasticsearchClient client, String indexPrefix) {
    this.client = client;
    this.index = indexName(indexPrefix);
  }

  public static String indexName(String prefix) {
    return prefix + "-alerts";
  }

  @Override
  public void record(Delivery d) {
    try {
      client.index(
          i ->
              i.index(index)
                  .id(d.id())
                  .version(Math.max(0, d.revision()))
                  .versionType(VersionType.ExternalGte)
                  .document(d.document()));
    } catch (IOException | RuntimeException e) {
      if (!conflict(e)) {
        warn(d, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  /** A version conflict: a newer revision is already there, which is what versions are for. */
  static boolean conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ElasticsearchException ee && ee.status() == 409) {
        return true;
      }
      if (t instanceof TransportException te && te.statusCode() == 409) {
        return true;
      }
      if (t instanceof ResponseException re
          && re.getResponse().getStatusLine().getStatusCode() == 409) {
        return true;
      }
    }
    return false;
  }

  private void warn(Delivery d, String why) {
    failures++;
    if (failures == 1 || failures % 100 == 0) {
      LOG.warn("cannot write delivery {} to {} ({} so far): {}", d.id(), index, failures, why);
    }
  }

  public long failures() {
    return failures;
  }
}
