package io.leaverwatch.alerting.send;

import io.leaverwatch.core.redact.Redactor;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;

/** What both senders share: one client, Retry-After parsing, and scrubbing secrets from reasons. */
final class Http {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private Http() {}

  static HttpClient client() {
    return HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        // both APIs speak HTTP/1.1; no h2c upgrade dance on plain-HTTP stand-ins
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** Retry-After in seconds (both APIs send seconds); null when absent or unreadable. */
  static Duration retryAfter(HttpHeaders headers) {
    Optional<String> v = headers.firstValue("Retry-After");
    if (v.isEmpty()) {
      return null;
    }
    try {
      long s = Long.parseLong(v.get().trim());
      return s < 0 ? null : Duration.ofSeconds(Math.min(s, 3600));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A reason fit for a log or the DLQ: the secret replaced wherever it appears, then redacted. */
  static String scrub(String text, String secret) {
    String t = text == null ? "" : text;
    if (secret != null && !secret.isEmpty()) {
      t = t.replace(secret, Redactor.MASK);
    }
    t = Redactor.redact(t);
    return t.length() > 500 ? t.substring(0, 500) + "\u2026" : t;
  }

  static String base(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
