package io.leaverwatch.ingest.okta;

import io.leaverwatch.ingest.github.GitHubAuditLog;
import io.leaverwatch.ingest.http.LinkPagedSource;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The Okta System Log API polled through its next links (oldest first). */
public final class OktaSystemLog {
  private OktaSystemLog() {}

  public static LinkPagedSource source(RateLimitedHttp http, String baseUrl, Instant since) {
    String host = URI.create(baseUrl).getHost();
    return new LinkPagedSource(
        "okta",
        "okta-" + (host == null ? "org" : host),
        http,
        url(baseUrl, since),
        s -> url(baseUrl, s),
        "uuid",
        List.of("published"));
  }

  static URI url(String baseUrl, Instant since) {
    StringBuilder u = new StringBuilder(GitHubAuditLog.trimSlash(baseUrl));
    u.append("/api/v1/logs?sortOrder=ASCENDING&limit=1000");
    if (since != null) {
      u.append("&since=").append(URLEncoder.encode(since.toString(), StandardCharsets.UTF_8));
    }
    return URI.create(u.toString());
  }
}
