package io.leaverwatch.jobs.sink;

import java.io.Serializable;
import java.util.Map;

/**
 * How one stream element becomes one Elasticsearch document. Every document is written with the
 * {@code index} operation under its id: a full upsert, so replaying the same element overwrites the
 * same document instead of adding a second one (or, with a {@link #version}, leaves a newer one).
 */
public interface DocumentMapper<T> extends Serializable {

  /** The logical index name, e.g. {@code findings}; the sink prepends the configured prefix. */
  String index(T element);

  /** A deterministic id (for findings, {@code finding_id}). */
  String id(T element);

  /** The document body: JSON-compatible values (String, Number, Boolean, List, Map, null). */
  Map<String, Object> document(T element);

  /** {@link #version} of a document written without external versioning. */
  long NO_VERSION = -1;

  /**
   * The external version of the document (for findings and step statuses, their {@code revision}):
   * Elasticsearch keeps the highest version written under an id, so an older one never overwrites a
   * newer one. {@link #NO_VERSION} writes without versioning: the last write wins.
   */
  default long version(T element) {
    return NO_VERSION;
  }
}
