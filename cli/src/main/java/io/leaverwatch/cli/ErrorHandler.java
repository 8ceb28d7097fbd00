package io.leaverwatch.cli;

import io.leaverwatch.core.redact.KnownSecrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Turns exceptions into an exit code and one redacted line; stack traces (redacted too) only with
 * LW_DEBUG=1.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    String message = KnownSecrets.redact(String.valueOf(ex.getMessage()));
    if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
      cmd.getErr().println("error: " + message);
      return 2;
    }
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    cmd.getErr().println("error: " + ex.getClass().getSimpleName() + ": " + message);
    if (root != ex) {
      // a failed Flink job wraps the reason several levels deep: say what actually went wrong
      cmd.getErr()
          .println(
              "  caused by: "
                  + root.getClass().getName()
                  + ": "
                  + KnownSecrets.redact(String.valueOf(root.getMessage())));
    }
    if ("1".equals(System.getenv("LW_DEBUG"))) {
      StringWriter trace = new StringWriter();
      ex.printStackTrace(new PrintWriter(trace));
      cmd.getErr().print(KnownSecrets.redact(trace.toString()));
      cmd.getErr().flush();
    }
    return 1;
  }
}
