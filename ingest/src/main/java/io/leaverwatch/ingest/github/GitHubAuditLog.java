package io.leaverwatch.ingest.github;

import io.leaverwatch.ingest.http.LinkPagedSource;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The GitHub organisation or enterprise audit log REST API, oldest first. */
public final class GitHubAuditLog {
  public static final String DEFAULT_BASE_URL = "https://api.github.com";

  private GitHubAuditLog() {}

  /**
   * @param scope "orgs/ORG" or "enterprises/E"
   */
  public static LinkPagedSource source(
      RateLimitedHttp http, String baseUrl, String scope, Instant since) {
    String key = "github-" + scope.replace('/', '-');
    return new LinkPagedSource(
        "github",
        key,
        http,
        url(baseUrl, scope, since),
        s -> url(baseUrl, scope, s),
        "_document_id",
        List.of("created_at", "@timestamp"));
  }

  static URI url(String baseUrl, String scope, Instant since) {
    StringBuilder u = new StringBuilder(trimSlash(baseUrl));
    u.append('/').append(scope).append("/audit-log?include=all&per_page=100&order=asc");
    if (since != null) {
      String phrase = "created:>=" + since.truncatedTo(ChronoUnit.SECONDS);
      u.append("&phrase=").append(URLEncoder.encode(phrase, StandardCharsets.UTF_8));
    }
    return URI.create(u.toString());
  }

  public static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
