package io.leaverwatch.ingest.http;

import io.leaverwatch.ingest.SourceException;

/** Supplies the Authorization header value for an HTTP source. */
public interface Credentials {
  String authorization() throws SourceException, InterruptedException;

  /** The secret values to scrub from every log line and error. */
  java.util.List<String> secrets();

  /**
   * Called after a 401. Returns true when a fresh credential may succeed (an expired OAuth access
   * token); false for a static token, which is then reported instead of retried.
   */
  default boolean refreshAfterRejection() {
    return false;
  }

  static Credentials fixed(String scheme, String token) {
    return new Credentials() {
      @Override
      public String authorization() {
        return scheme + " " + token;
      }

      @Override
      public java.util.List<String> secrets() {
        return java.util.List.of(token);
      }
    };
  }
}
