package io.leaverwatch.jobs.sink;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Flink Sink V2 that upserts each element into Elasticsearch as one document, by id. At least
 * once, idempotent by id: a replay after a restore overwrites the same documents, so the index ends
 * up exactly-once in content; with a {@link DocumentMapper#version} (findings and step statuses:
 * their revision) an older version never overwrites a newer one. A document refused for good goes
 * to {@code <prefix>-dlq}; transient refusals are retried until Elasticsearch takes them (see
 * {@link ElasticsearchSinkWriter}). No Elasticsearch connector exists for Flink 2.x; this one is
 * built on the official Java client's {@code BulkIngester}.
 *
 * <pre>{@code
 * findings.sinkTo(ElasticsearchSink.of(config, new FindingDocumentMapper()))
 *     .uid("findings-to-elasticsearch").name("findings to Elasticsearch");
 * }</pre>
 */
public final class ElasticsearchSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  private final ElasticsearchSinkConfig config;
  private final DocumentMapper<T> mapper;

  private ElasticsearchSink(ElasticsearchSinkConfig config, DocumentMapper<T> mapper) {
    this.config = Objects.requireNonNull(config, "config");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  public static <T> ElasticsearchSink<T> of(
      ElasticsearchSinkConfig config, DocumentMapper<T> mapper) {
    return new ElasticsearchSink<>(config, mapper);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    return new ElasticsearchSinkWriter<>(config, mapper);
  }
}
