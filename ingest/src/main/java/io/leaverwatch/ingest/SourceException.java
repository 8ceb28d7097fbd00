package io.leaverwatch.ingest;

/**
 * A source failed in a way the connector cannot ride out by itself. {@code retryable} tells a
 * long-running poller whether trying again later can help (an outage) or not (a rejected token).
 */
public class SourceException extends Exception {
  private final boolean retryable;

  public SourceException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public SourceException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
