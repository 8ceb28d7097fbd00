package io.leaverwatch.jobs.sink;

import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.BackoffPolicy;
import co.elastic.clients.transport.TransportException;
import io.leaverwatch.core.redact.Redactor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.elasticsearch.client.ResponseException;

/**
 * Writes documents through a {@link BulkIngester}. Every document stays "unacknowledged" until
 * Elasticsearch accepted it or it failed for good; {@link #flush} (called on every checkpoint and
 * at end of input) blocks until none is left, so a completed checkpoint means every document before
 * it is in Elasticsearch. Retryable refusals (429, 502, 503, 504, connection errors) are retried
 * per document with exponential back-off; anything else, or running out of retries, fails the
 * writer with a {@link DocumentRejectedException}.
 */
public final class ElasticsearchSinkWriter<T> implements SinkWriter<T> {

  private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);

  private final ElasticsearchSinkConfig config;
  private final DocumentMapper<T> mapper;
  private final ElasticsearchClients.Connection connection;
  private final ScheduledExecutorService scheduler;
  private final BulkIngester<PendingDocument> ingester;

  /**
   * The newest version written of each id still on its way (guarded by {@code lock}): a retry of an
   * older version is dropped rather than sent after a newer one.
   */
  private final Map<String, PendingDocument> newest = new java.util.HashMap<>();

  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();

  private final Object lock = new Object();
  private long unacknowledged; // guarded by lock
  private DocumentRejectedException failure; // guarded by lock

  public ElasticsearchSinkWriter(ElasticsearchSinkConfig config, DocumentMapper<T> mapper) {
    this.config = config;
    this.mapper = mapper;
    this.connection = ElasticsearchClients.connect(config);
    this.scheduler =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "elasticsearch-sink-retry");
              t.setDaemon(true);
              return t;
            });
    this.ingester =
        BulkIngester.of(
            b ->
                b.client(connection.client())
                    .maxOperations(config.bulkMaxActions())
                    .maxSize(config.bulkMaxBytes())
                    .maxConcurrentRequests(config.maxConcurrentRequests())
                    .flushInterval(
                        config.flushInterval().toMillis(), TimeUnit.MILLISECONDS, scheduler)
                    // retries are ours: per document, bounded, and for whole-request failures too
                    .backoffPolicy(BackoffPolicy.noBackoff())
                    .listener(new Listener()));
  }

  @Override
  public void write(T element, Context context) throws IOException {
    throwIfFailed();
    String index = config.indexName(mapper.index(element));
    String id = mapper.id(element);
    Map<String, Object> document = mapper.document(element);
    if (id == null || id.isBlank()) {
      throw new DocumentRejectedException(
          "document for index " + index + " has no id: every document is upserted by id");
    }
    PendingDocument pending = new PendingDocument(index, id, document);
    synchronized (lock) {
      unacknowledged++;
      newest.put(pending.key(), pending);
    }
    ingester.add(pending.operation(), pending);
  }

  /** Blocks until every document written so far is acknowledged, or throws why one is not. */
  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    while (true) {
      synchronized (lock) {
        if (failure != null || unacknowledged == 0) {
          break;
        }
      }
      ingester.flush();
      synchronized (lock) {
        if (failure == null && unacknowledged > 0) {
          // woken by every acknowledgement; the timeout re-flushes documents re-queued by a retry
          lock.wait(100);
        }
      }
    }
    throwIfFailed();
  }

  /** Documents acknowledged by Elasticsearch so far. */
  public long acknowledged() {
    return acknowledged.get();
  }

  /** Retries scheduled so far (documents re-sent after a retryable refusal). */
  public long retries() {
    return retries.get();
  }

  /** How long closing waits for bulk requests in flight before it gives up on them. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Closes the ingester first, while the scheduler still runs: the ingester hands the completion of
   * every request in flight to that scheduler, so shutting it down first left {@code close} waiting
   * forever for a request that could never complete (a cancelled job then hung in CANCELING).
   * {@link BulkIngester#close} itself cannot be interrupted and waits as long as Elasticsearch does
   * not answer, so it runs on its own thread for at most {@link #CLOSE_TIMEOUT}; then the
   * connection is closed, which fails whatever is still in flight. Nothing is lost by giving up:
   * unacknowledged documents were never confirmed to a checkpoint and are replayed from it.
   */
  @Override
  public void close() throws Exception {
    Thread closer = new Thread(ingester::close, "elasticsearch-sink-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(CLOSE_TIMEOUT.toMillis());
    } finally {
      scheduler.shutdownNow();
      connection.close();
    }
  }

  private void throwIfFailed() throws DocumentRejectedException {
    synchronized (lock) {
      if (failure != null) {
        throw new DocumentRejectedException(failure.getMessage(), failure);
      }
    }
  }

  private void acknowledge(PendingDocument doc) {
    acknowledged.incrementAndGet();
    synchronized (lock) {
      newest.remove(doc.key(), doc);
      unacknowledged--;
      lock.notifyAll();
    }
  }

  private void fail(String message, Throwable cause) {
    synchronized (lock) {
      if (failure == null) {
        failure = new DocumentRejectedException(redact(message), cause);
      }
      unacknowledged--;
      lock.notifyAll();
    }
  }

  /**
   * True when a newer version of the document's id was written after it: re-sending the old one
   * could overwrite the new one, so it counts as done (the newer version carries everything).
   */
  private boolean superseded(PendingDocument doc) {
    synchronized (lock) {
      return newest.get(doc.key()) != doc;
    }
  }

  private void retryOrFail(PendingDocument doc, String reason, Throwable cause) {
    if (superseded(doc)) {
      acknowledge(doc);
      return;
    }
    doc.attempts++;
    if (doc.attempts > config.maxRetries()) {
      fail(
          "Elasticsearch kept refusing document id="
              + doc.id
              + " in index "
              + doc.index
              + " after "
              + config.maxRetries()
              + " retries: "
              + reason,
          cause);
      return;
    }
    retries.incrementAndGet();
    Duration delay = config.backoff(doc.attempts);
    try {
      scheduler.schedule(
          () -> {
            try {
              if (superseded(doc)) {
                acknowledge(doc);
                return;
              }
              ingester.add(doc.operation(), doc);
            } catch (RuntimeException e) {
              fail(
                  "cannot re-queue document id=" + doc.id + " in index " + doc.index + ": " + e, e);
            }
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      fail("writer closed while document id=" + doc.id + " waited for a retry", closed);
    }
  }

  private String redact(String message) {
    return Redactor.redact(message, config.secrets());
  }

  private final class Listener implements BulkListener<PendingDocument> {
    @Override
    public void beforeBulk(long executionId, BulkRequest request, List<PendingDocument> docs) {}

    @Override
    public void afterBulk(
        long executionId, BulkRequest request, List<PendingDocument> docs, BulkResponse response) {
      List<BulkResponseItem> items = response.items();
      for (int i = 0; i < docs.size(); i++) {
        PendingDocument doc = docs.get(i);
        BulkResponseItem item = i < items.size() ? items.get(i) : null;
        if (item == null) {
          retryOrFail(doc, "bulk response had no item for it", null);
        } else if (item.error() == null) {
          acknowledge(doc);
        } else if (RETRYABLE_STATUS.contains(item.status())) {
          retryOrFail(doc, "HTTP " + item.status() + " " + describe(item.error()), null);
        } else {
          fail(
              "Elasticsearch rejected document id="
                  + doc.id
                  + " in index "
                  + doc.index
                  + " (HTTP "
                  + item.status()
                  + "): "
                  + describe(item.error()),
              null);
        }
      }
    }

    @Override
    public void afterBulk(
        long executionId, BulkRequest request, List<PendingDocument> docs, Throwable failure) {
      boolean retryable = isRetryable(failure);
      for (PendingDocument doc : docs) {
        if (retryable) {
          retryOrFail(doc, String.valueOf(failure), failure);
        } else {
          fail(
              "bulk request for document id="
                  + doc.id
                  + " in index "
                  + doc.index
                  + " failed: "
                  + failure,
              failure);
        }
      }
    }
  }

  private static String describe(ErrorCause error) {
    StringBuilder text = new StringBuilder();
    text.append(error.type()).append(": ").append(error.reason());
    for (ErrorCause cause = error.causedBy(); cause != null; cause = cause.causedBy()) {
      text.append("; caused by ").append(cause.type()).append(": ").append(cause.reason());
    }
    return text.toString();
  }

  /** Overload, gateway trouble and connection errors heal; everything else does not. */
  static boolean isRetryable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ElasticsearchException e) {
        return RETRYABLE_STATUS.contains(e.status());
      }
      if (t instanceof TransportException e) {
        if (e.statusCode() > 0) {
          return RETRYABLE_STATUS.contains(e.statusCode());
        }
      }
      if (t instanceof ResponseException e) {
        return RETRYABLE_STATUS.contains(e.getResponse().getStatusLine().getStatusCode());
      }
      if (t.getCause() == null && t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** One document on its way; the context object the ingester hands back in the listener. */
  private static final class PendingDocument {
    final String index;
    final String id;
    final Map<String, Object> document;
    int attempts;

    PendingDocument(String index, String id, Map<String, Object> document) {
      this.index = index;
      this.id = id;
      this.document = document;
    }

    String key() {
      return index + '/' + id;
    }

    BulkOperation operation() {
      return BulkOperation.of(op -> op.index(i -> i.index(index).id(id).document(document)));
    }
  }
}
