package io.leaverwatch.ingest.http;

import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.Sleeper;
import io.leaverwatch.ingest.SourceException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GETs JSON pages from a REST audit API while honouring its rate limits: no request goes out before
 * the advertised reset when the remaining budget is 0, 429s and secondary limits wait for
 * Retry-After, 5xx and malformed pages are retried with backoff (never skipped), redirects are
 * followed, and a 401 is reported once instead of retried.
 */
public final class RateLimitedHttp {
  private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?([^\",;]+)\"?");
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_RATE_LIMIT_WAITS = 1000;

  /** A page of events and where the next one is. */
  public record Page(URI uri, List<RawEvent> events, Optional<URI> next, HttpHeaders headers) {}

  private final String sourceName;
  private final HttpClient client;
  private final Credentials credentials;
  private final String remainingHeader;
  private final String resetHeader;
  private final Clock clock;
  private final Sleeper sleeper;
  private final IngestLog log;
  private final int maxAttempts;
  private final Duration maxBackoff;
  private Instant notBefore = Instant.EPOCH;

  public RateLimitedHttp(
      String sourceName,
      Credentials credentials,
      String rateLimitHeaderPrefix,
      Clock clock,
      Sleeper sleeper,
      IngestLog log,
      int maxAttempts) {
    this.sourceName = sourceName;
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(20))
            .build();
    this.credentials = credentials;
    this.remainingHeader = rateLimitHeaderPrefix + "-remaining";
    this.resetHeader = rateLimitHeaderPrefix + "-reset";
    this.clock = clock;
    this.sleeper = sleeper;
    this.log = log;
    this.maxAttempts = maxAttempts;
    this.maxBackoff = Duration.ofSeconds(60);
    credentials.secrets().forEach(log::addSecret);
  }

  public String sourceName() {
    return sourceName;
  }

  public Page getPage(URI uri) throws SourceException, InterruptedException {
    String lastReason = "";
    int attempts = 0;
    int rateLimitWaits = 0;
    boolean refreshed = false;
    while (true) {
      if (attempts >= maxAttempts) {
        throw new SourceException(
            log.redact(
                sourceName
                    + " gave up on "
                    + uri
                    + " after "
                    + attempts
                    + " attempts: "
                    + lastReason),
            true);
      }
      waitForBudget();
      HttpResponse<byte[]> r;
      try {
        r = sendFollowingRedirects(uri);
      } catch (IOException e) {
        attempts++;
        lastReason = "request failed: " + e;
        backoff(attempts, uri, lastReason);
        continue;
      }
      noteBudget(r.headers());
      int status = r.statusCode();
      if (status >= 200 && status < 300) {
        try {
          List<RawEvent> events = JsonEvents.splitArray(r.body());
          return new Page(r.uri(), events, nextLink(r), r.headers());
        } catch (MalformedPageException e) {
          attempts++;
          lastReason = "rejected page: " + e.getMessage();
          log.warn(sourceName + " rejected page " + r.uri() + ": " + e.getMessage() + "; retrying");
          backoff(attempts, uri, lastReason);
          continue;
        }
      }
      String detail = status + " " + snippet(r.body());
      if (status == 401) {
        if (!refreshed && credentials.refreshAfterRejection()) {
          refreshed = true;
          continue;
        }
        throw new SourceException(
            log.redact(
                sourceName
                    + " rejected the credentials for "
                    + uri.getPath()
                    + " ("
                    + detail
                    + "): the token is expired, revoked or wrong"),
            false);
      }
      if (status == 429 || (status == 403 && isSecondaryLimit(r))) {
        if (++rateLimitWaits > MAX_RATE_LIMIT_WAITS) {
          throw new SourceException(sourceName + " stayed rate limited for " + uri, true);
        }
        Instant until = rateLimitedUntil(r);
        notBefore = max(notBefore, until);
        lastReason = "rate limited (" + status + ")";
        log.warn(
            sourceName
                + " rate limited ("
                + status
                + ") on "
                + uri.getPath()
                + "; waiting until "
                + until);
        continue;
      }
      if (status >= 500) {
        attempts++;
        lastReason = "server error " + detail;
        backoff(attempts, uri, lastReason);
        continue;
      }
      throw new SourceException(
          log.redact(sourceName + " refused " + uri + " (" + detail + ")"), false);
    }
  }

  private HttpResponse<byte[]> sendFollowingRedirects(URI uri)
      throws IOException, InterruptedException, SourceException {
    URI current = uri;
    boolean sendAuth = true;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(current)
              .GET()
              .timeout(Duration.ofSeconds(60))
              .header("Accept", "application/json")
              .header("User-Agent", "leaverwatch-ingest");
      if (sendAuth) {
        b.header("Authorization", credentials.authorization());
      }
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      int s = r.statusCode();
      if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
        Optional<String> loc = r.headers().firstValue("Location");
        if (loc.isEmpty()) {
          return r;
        }
        URI next = current.resolve(loc.get());
        // Never hand the token to a different host than the one it was configured for.
        sendAuth = sendAuth && Origins.same(uri, next);
        current = next;
        continue;
      }
      return r;
    }
    throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri);
  }

  private void waitForBudget() throws InterruptedException {
    Instant now = clock.instant();
    if (now.isBefore(notBefore)) {
      sleeper.sleep(Duration.between(now, notBefore));
    }
  }

  private void noteBudget(HttpHeaders h) {
    Optional<Long> remaining = longHeader(h, remainingHeader);
    Optional<Long> reset = longHeader(h, resetHeader);
    if (remaining.isPresent() && remaining.get() <= 0 && reset.isPresent()) {
      notBefore = max(notBefore, Instant.ofEpochSecond(reset.get()));
    }
  }

  private boolean isSecondaryLimit(HttpResponse<byte[]> r) {
    if (r.headers().firstValue("Retry-After").isPresent()) {
      return true;
    }
    if (longHeader(r.headers(), remainingHeader).map(v -> v <= 0).orElse(false)) {
      return true;
    }
    return new String(r.body(), StandardCharsets.UTF_8).toLowerCase().contains("rate limit");
  }

  private Instant rateLimitedUntil(HttpResponse<byte[]> r) {
    Instant now = clock.instant();
    Optional<Long> retryAfter = longHeader(r.headers(), "Retry-After");
    if (retryAfter.isPresent()) {
      return now.plusSeconds(Math.max(1, retryAfter.get()));
    }
    Optional<Long> reset = longHeader(r.headers(), resetHeader);
    if (reset.isPresent() && Instant.ofEpochSecond(reset.get()).isAfter(now)) {
      return Instant.ofEpochSecond(reset.get());
    }
    // Neither header: GitHub's guidance for secondary limits is to wait at least a minute.
    return now.plusSeconds(60);
  }

  private void backoff(int attempts, URI uri, String reason) throws InterruptedException {
    long seconds = Math.min(maxBackoff.toSeconds(), 1L << Math.min(attempts - 1, 10));
    log.warn(
        sourceName
            + " attempt "
            + attempts
            + "/"
            + maxAttempts
            + " on "
            + uri.getPath()
            + " failed ("
            + reason
            + "); retrying in "
            + seconds
            + "s");
    notBefore = max(notBefore, clock.instant().plusSeconds(seconds));
  }

  private static Optional<URI> nextLink(HttpResponse<byte[]> r) {
    for (String header : r.headers().allValues("Link")) {
      Matcher m = LINK.matcher(header);
      while (m.find()) {
        if (m.group(2).trim().equalsIgnoreCase("next")) {
          return Optional.of(r.uri().resolve(m.group(1).trim()));
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Long> longHeader(HttpHeaders h, String name) {
    Optional<String> v = h.firstValue(name);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(v.get().trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private String snippet(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    return log.redact(s.replaceAll("\\s+", " ").trim());
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** The parameters of a URI's query, for tests and cursors. */
  public static Map<String, String> query(URI uri) {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    String q = uri.getRawQuery();
    if (q == null) {
      return m;
    }
    for (String part : q.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      m.put(
          java.net.URLDecoder.decode(k, StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }
}
