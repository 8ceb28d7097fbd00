package io.leaverwatch.cli;

/**
 * A problem with what the user asked for (a flag, an unreadable input file): exit code 2 and one
 * clear line naming the file, line and field, never a stack trace.
 */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
