package io.leaverwatch.jobs.sink;

import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.BackoffPolicy;
import co.elastic.clients.transport.TransportException;
import io.leaverwatch.core.detect.FindingIds;
import io.leaverwatch.core.redact.Redactor;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.elasticsearch.client.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes documents through a {@link BulkIngester}. Every document stays "unacknowledged" until
 * Elasticsearch accepted it or it was dead-lettered; {@link #flush} (called on every checkpoint and
 * at end of input) blocks until none is left, so a completed checkpoint means every document before
 * it is in Elasticsearch (or in the dead-letter index).
 *
 * <ul>
 *   <li><b>Transient refusals</b> (429, any 5xx, connection errors; for a single document also a
 *       missing index, missing privileges or a write block) are retried per document with
 *       exponential back-off, by default without end: an outage of Elasticsearch blocks the
 *       checkpoint until it is over instead of failing the job, and nothing is lost.
 *   <li><b>Refusals for good</b> (a mapping error, a malformed document) do not fail the job: the
 *       document goes to the dead-letter index {@code <prefix>-dlq} with the reason, its index, id
 *       and version and the document itself, and every other document keeps arriving.
 *   <li><b>Versions.</b> A document with a {@link DocumentMapper#version} is written with {@code
 *       version_type=external}: Elasticsearch keeps the highest version, so an older version of a
 *       finding never overwrites a newer one, also when it is replayed after a restore or a restart
 *       from scratch. The version conflict (409) it answers to an older or equal version means
 *       "newer or same already there": delivered.
 * </ul>
 *
 * Only a refusal of the whole bulk request that no retry can fix (a 401, say) fails the writer with
 * a {@link DocumentRejectedException}, and with it the job, which the restart strategy restarts.
 */
public final class ElasticsearchSinkWriter<T> implements SinkWriter<T> {

  private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSinkWriter.class);

  /** The logical index of documents refused for good; the sink prepends the prefix. */
  public static final String DEAD_LETTER_INDEX = "dlq";

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
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong deadLetterFailures = new AtomicLong();

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
                    // retries are ours: per document, and for whole-request failures too
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
    PendingDocument pending = new PendingDocument(index, id, mapper.version(element), document);
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

  /**
   * Documents whose version Elasticsearch already had, or a newer one (counted as acknowledged).
   */
  public long versionConflicts() {
    return conflicts.get();
  }

  /** Documents refused for good and written to the dead-letter index instead. */
  public long deadLettered() {
    return deadLettered.get();
  }

  /** Dead letters that the dead-letter index refused for good too (each one logged as an error). */
  public long deadLetterFailures() {
    return deadLetterFailures.get();
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
    (doc.deadLetterOf != null ? deadLettered : acknowledged).incrementAndGet();
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
    if (doc.deadLetterOf != null) {
      return false;
    }
    synchronized (lock) {
      return newest.get(doc.key()) != doc;
    }
  }

  /**
   * Elasticsearch will never take this document: it goes to the dead-letter index in its place and
   * counts as delivered once that has it. A dead letter refused in turn is logged, not retried: the
   * alternative, failing the job, would fail it again on every restart and stop every finding.
   */
  private void deadLetter(PendingDocument doc, int status, String errorType, String reason) {
    if (doc.deadLetterOf != null) {
      deadLetterFailures.incrementAndGet();
      LOG.error(
          "the dead-letter index refused the dead letter of document id={} in index {} too"
              + " (HTTP {}): {}; the document is not in Elasticsearch",
          doc.deadLetterOf.id,
          doc.deadLetterOf.index,
          status,
          redact(reason));
      synchronized (lock) {
        unacknowledged--;
        lock.notifyAll();
      }
      return;
    }
    String message =
        redact(
            "Elasticsearch refused document id="
                + doc.id
                + " in index "
                + doc.index
                + " for good (HTTP "
                + status
                + "): "
                + reason);
    LOG.warn("{}; writing it to {}", message, config.indexName(DEAD_LETTER_INDEX));
    synchronized (lock) {
      newest.remove(doc.key(), doc);
    }
    PendingDocument letter =
        doc.deadLetter(config.indexName(DEAD_LETTER_INDEX), status, errorType, message);
    // queued from the retry thread, like a retry: this runs in the ingester's listener, where an
    // add that fills the buffer would wait for the very request that is completing
    try {
      scheduler.execute(
          () -> {
            try {
              ingester.add(letter.operation(), letter);
            } catch (RuntimeException e) {
              fail("cannot queue the dead letter of document id=" + doc.id + ": " + e, e);
            }
          });
    } catch (RejectedExecutionException closed) {
      fail("writer closed while document id=" + doc.id + " waited for its dead letter", closed);
    }
  }

  private void retryOrFail(PendingDocument doc, String reason, Throwable cause) {
    if (superseded(doc)) {
      acknowledge(doc);
      return;
    }
    doc.attempts++;
    if (doc.attempts == 1 || doc.attempts % 10 == 0) {
      LOG.warn(
          "Elasticsearch refused document id={} in index {} for now ({}); retry {} in {} ms",
          doc.id,
          doc.index,
          redact(reason),
          doc.attempts,
          config.backoff(doc.attempts).toMillis());
    }
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
        } else if (item.status() == 409 && doc.version >= 0) {
          // external versioning: Elasticsearch has this version of the document or a newer one
          conflicts.incrementAndGet();
          acknowledge(doc);
        } else if (isTransient(item.status(), item.error().type())) {
          retryOrFail(doc, "HTTP " + item.status() + " " + describe(item.error()), null);
        } else {
          deadLetter(doc, item.status(), item.error().type(), describe(item.error()));
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

  /**
   * A refusal of one document that says nothing about the document: overload, server trouble, a
   * missing index, missing privileges or a write block (a full disk) heal, or are healed by an
   * operator, and a dead letter would meet the same refusal. Everything else (a mapping error, a
   * malformed document: 400, 413) is about the document and refuses it for good.
   */
  static boolean isTransient(int status, String errorType) {
    return isRetryableStatus(status)
        || status == 401
        || status == 403
        || status == 404
        || status == 408
        || "cluster_block_exception".equals(errorType);
  }

  /** Overload (429) and server trouble (5xx) heal; other refusals do not. */
  static boolean isRetryableStatus(int status) {
    return status == 429 || status >= 500;
  }

  /** Overload, server trouble and connection errors heal; everything else does not. */
  static boolean isRetryable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ElasticsearchException e) {
        return isRetryableStatus(e.status());
      }
      if (t instanceof TransportException e) {
        if (e.statusCode() > 0) {
          return isRetryableStatus(e.statusCode());
        }
      }
      if (t instanceof ResponseException e) {
        return isRetryableStatus(e.getResponse().getStatusLine().getStatusCode());
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
    final long version;
    final Map<String, Object> document;

    /** For a dead letter: the document it stands for. */
    final PendingDocument deadLetterOf;

    int attempts;

    PendingDocument(String index, String id, long version, Map<String, Object> document) {
      this(index, id, version, document, null);
    }

    private PendingDocument(
        String index,
        String id,
        long version,
        Map<String, Object> document,
        PendingDocument deadLetterOf) {
      this.index = index;
      this.id = id;
      this.version = version;
      this.document = document;
      this.deadLetterOf = deadLetterOf;
    }

    String key() {
      return index + '/' + id;
    }

    /**
     * The dead letter of this document: one per index, id and version, so a replay overwrites it;
     * the document is kept whole, not indexed ({@code enabled: false} in the template).
     */
    PendingDocument deadLetter(String dlqIndex, int status, String errorType, String reason) {
      Map<String, Object> letter = new LinkedHashMap<>();
      letter.put("@timestamp", Instant.now().toString());
      String letterId = FindingIds.of("elasticsearch", index, id, Long.toString(version));
      letter.put("dead_letter_id", letterId);
      letter.put("reason", reason);
      letter.put("error_type", errorType);
      letter.put("http_status", status);
      letter.put("document_index", index);
      letter.put("document_id", id);
      if (version >= 0) {
        letter.put("document_version", version);
      }
      letter.put("document", document);
      return new PendingDocument(dlqIndex, letterId, DocumentMapper.NO_VERSION, letter, this);
    }

    BulkOperation operation() {
      if (version < 0) {
        return BulkOperation.of(op -> op.index(i -> i.index(index).id(id).document(document)));
      }
      return BulkOperation.of(
          op ->
              op.index(
                  i ->
                      i.index(index)
                          .id(id)
                          .version(version)
                          .versionType(VersionType.External)
                          .document(document)));
    }
  }
}
