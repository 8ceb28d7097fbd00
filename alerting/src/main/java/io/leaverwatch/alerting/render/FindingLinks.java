package io.leaverwatch.alerting.render;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Where a person opens a finding: Kibana's Discover filtered to its id, when configured. */
public record FindingLinks(String kibanaUrl) {
  public static final FindingLinks NONE = new FindingLinks(null);

  public String forFinding(String findingId) {
    if (kibanaUrl == null || kibanaUrl.isBlank()) {
      return null;
    }
    String base =
        kibanaUrl.endsWith("/") ? kibanaUrl.substring(0, kibanaUrl.length() - 1) : kibanaUrl;
    String query = "finding_id:\"" + findingId + "\"";
    return base
        + "/app/discover#/?_a=(query:(language:kuery,query:'"
        + URLEncoder.encode(query, StandardCharsets.UTF_8)
        + "'))";
  }
}
