package io.leaverwatch.report;

/**
 * An input the report cannot use: a bad period, a missing or unreadable file (the message names
 * file, line and field), an unreachable Elasticsearch. The command exits 2 with the message.
 */
public final class ReportInputException extends RuntimeException {
  public ReportInputException(String message) {
    super(message);
  }

  public ReportInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
