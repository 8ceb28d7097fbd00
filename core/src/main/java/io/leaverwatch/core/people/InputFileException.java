package io.leaverwatch.core.people;

/** An unreadable departures, identities or access file: the message names file, line and field. */
public final class InputFileException extends RuntimeException {
  public InputFileException(String message) {
    super(message);
  }
}
