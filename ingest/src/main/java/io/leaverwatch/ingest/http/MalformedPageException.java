package io.leaverwatch.ingest.http;

/** A page or file that does not have the shape the source documents; carries the reason. */
public final class MalformedPageException extends Exception {
  public MalformedPageException(String reason) {
    super(reason);
  }
}
