package io.leaverwatch.core.normalize;

/** An invalid rule file: the message names the file, the line and the field. */
public final class RuleFileException extends RuntimeException {
  public RuleFileException(String message) {
    super(message);
  }

  public RuleFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
