package io.leaverwatch.core.read;

/** An input file or folder that cannot be read; the message names it and says why. */
public final class UnreadableInputException extends RuntimeException {
  public UnreadableInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
