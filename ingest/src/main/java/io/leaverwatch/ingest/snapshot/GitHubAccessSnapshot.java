package io.leaverwatch.ingest.snapshot;

import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.github.GitHubAuditLog;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import io.leaverwatch.ingest.http.RawEvent;
import io.leaverwatch.schema.AccessGrant;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** GitHub organisation members and outside collaborators. */
public final class GitHubAccessSnapshot implements AccessSnapshot {
  private final RateLimitedHttp http;
  private final String baseUrl;
  private final String org;

  public GitHubAccessSnapshot(RateLimitedHttp http, String baseUrl, String org) {
    this.http = http;
    this.baseUrl = GitHubAuditLog.trimSlash(baseUrl);
    this.org = org;
  }

  @Override
  public String system() {
    return "github";
  }

  @Override
  public List<AccessGrant> collect(Instant observedAt)
      throws SourceException, InterruptedException {
    List<AccessGrant> out = new ArrayList<>();
    add(out, "/orgs/" + org + "/members?per_page=100", "org_member:" + org, observedAt);
    add(
        out,
        "/orgs/" + org + "/outside_collaborators?per_page=100",
        "outside_collaborator:" + org,
        observedAt);
    out.add(AccessSnapshot.complete(system(), observedAt));
    return out;
  }

  private void add(List<AccessGrant> out, String path, String grant, Instant observedAt)
      throws SourceException, InterruptedException {
    for (RawEvent m : AccessSnapshot.all(http, URI.create(baseUrl + path))) {
      String login = m.tree().path("login").asText(null);
      if (login != null) {
        out.add(AccessSnapshot.grant("github", login, grant, observedAt));
      }
    }
  }
}
