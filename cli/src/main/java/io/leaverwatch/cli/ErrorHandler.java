package io.leaverwatch.cli;

import io.leaverwatch.core.redact.Redactor;
import picocli.CommandLine;

/** Turns exceptions into an exit code and one redacted line; stack traces only with LW_DEBUG=1. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    String message = Redactor.redact(String.valueOf(ex.getMessage()));
    if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
      cmd.getErr().println("error: " + message);
      return 2;
    }
    cmd.getErr().println("error: " + ex.getClass().getSimpleName() + ": " + message);
    if ("1".equals(System.getenv("LW_DEBUG"))) {
      ex.printStackTrace(cmd.getErr());
    }
    return 1;
  }
}
