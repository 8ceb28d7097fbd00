package io.leaverwatch.anomaly;

/** A model directory that cannot be used: the message names the file and the reason. */
public final class ModelDirectoryException extends RuntimeException {
  public ModelDirectoryException(String message) {
    super(message);
  }

  public ModelDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
