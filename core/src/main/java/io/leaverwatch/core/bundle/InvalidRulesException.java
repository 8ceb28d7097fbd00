package io.leaverwatch.core.bundle;

/** A bundle of rules that does not parse: the message names the folder's file, line and field. */
public final class InvalidRulesException extends RuntimeException {
  public InvalidRulesException(String message) {
    super(message);
  }

  public InvalidRulesException(String message, Throwable cause) {
    super(message, cause);
  }
}
