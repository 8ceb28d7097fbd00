package io.leaverwatch.jobs.sink;

import java.io.IOException;

/**
 * Elasticsearch refused a whole bulk request for a reason a retry cannot fix (a 401, say), or kept
 * refusing a document after the configured number of retries. Thrown from the sink writer so the
 * job fails instead of silently dropping findings. (A single document refused for good is
 * dead-lettered instead.)
 */
public final class DocumentRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  public DocumentRejectedException(String message) {
    super(message);
  }

  public DocumentRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
