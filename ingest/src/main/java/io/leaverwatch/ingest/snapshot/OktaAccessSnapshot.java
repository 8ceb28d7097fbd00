package io.leaverwatch.ingest.snapshot;

import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.github.GitHubAuditLog;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import io.leaverwatch.ingest.http.RawEvent;
import io.leaverwatch.schema.AccessGrant;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Okta users with status ACTIVE and the apps assigned to each (their app links). */
public final class OktaAccessSnapshot implements AccessSnapshot {
  private final RateLimitedHttp http;
  private final String baseUrl;

  public OktaAccessSnapshot(RateLimitedHttp http, String baseUrl) {
    this.http = http;
    this.baseUrl = GitHubAuditLog.trimSlash(baseUrl);
  }

  @Override
  public String system() {
    return "okta";
  }

  @Override
  public List<AccessGrant> collect(Instant observedAt)
      throws SourceException, InterruptedException {
    String filter = URLEncoder.encode("status eq \"ACTIVE\"", StandardCharsets.UTF_8);
    List<AccessGrant> out = new ArrayList<>();
    for (RawEvent u :
        AccessSnapshot.all(
            http, URI.create(baseUrl + "/api/v1/users?limit=200&filter=" + filter))) {
      String id = u.tree().path("id").asText(null);
      String login = u.tree().path("profile").path("login").asText(null);
      if (id == null || login == null) {
        continue;
      }
      out.add(AccessSnapshot.grant("okta", login, "okta_user", observedAt));
      URI links =
          URI.create(
              baseUrl
                  + "/api/v1/users/"
                  + URLEncoder.encode(id, StandardCharsets.UTF_8)
                  + "/appLinks");
      for (RawEvent link : AccessSnapshot.all(http, links)) {
        String label = link.tree().path("label").asText(link.tree().path("appName").asText(null));
        if (label != null) {
          out.add(AccessSnapshot.grant("okta", login, "app:" + label, observedAt));
        }
      }
    }
    out.add(AccessSnapshot.complete(system(), observedAt));
    return out;
  }
}
