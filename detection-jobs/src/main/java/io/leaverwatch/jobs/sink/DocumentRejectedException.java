package io.leaverwatch.jobs.sink;

import java.io.IOException;

/**
 * Elasticsearch refused documents for a reason a retry cannot fix (a mapping conflict, a malformed
 * document), or kept refusing them after every retry. Thrown from the sink writer so the job fails
 * instead of silently dropping findings.
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
