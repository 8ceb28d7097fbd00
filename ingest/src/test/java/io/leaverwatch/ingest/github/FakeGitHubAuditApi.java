package io.leaverwatch.ingest.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.FakeHttpServer.Reply;
import io.leaverwatch.ingest.FakeHttpServer.Request;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Behaves like GitHub's org audit log endpoint as documented: Bearer token, per_page, order=asc, a
 * {@code created:>=} phrase, an opaque {@code after} cursor and a Link rel="next" header while more
 * events remain, X-RateLimit-* headers on every answer, and 401 "Bad credentials".
 */
final class FakeGitHubAuditApi implements FakeHttpServer.Route {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  final List<String> events = new ArrayList<>();
  final String token;
  final String org;
  final int pageSize;
  FakeHttpServer server;
  int remaining = 5000;

  FakeGitHubAuditApi(String token, String org, int pageSize) {
    this.token = token;
    this.org = org;
    this.pageSize = pageSize;
  }

  /** An event in the shape of the REST docs example (spaces after colons kept on purpose). */
  synchronized String add(String id, Instant created, String action) {
    long ms = created.toEpochMilli();
    String json =
        "{\"@timestamp\": "
            + ms
            + ", \"action\": \""
            + action
            + "\", \"actor\": \"octocat\", \"created_at\": "
            + ms
            + ", \"_document_id\": \""
            + id
            + "\", \"org\": \""
            + org
            + "\", \"user\": \"monalisa\"}";
    events.add(json);
    return json;
  }

  @Override
  public synchronized Reply answer(Request r) throws IOException {
    if (!("Bearer " + token).equals(r.header("Authorization"))) {
      return Reply.json(
          401,
          "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}");
    }
    if (!r.uri().getPath().equals("/orgs/" + org + "/audit-log")) {
      return Reply.json(404, "{\"message\":\"Not Found\"}");
    }
    Map<String, String> q = RateLimitedHttp.query(r.uri());
    Instant since = Instant.EPOCH;
    String phrase = q.get("phrase");
    if (phrase != null && phrase.startsWith("created:>=")) {
      since = Instant.parse(phrase.substring("created:>=".length()));
    }
    List<JsonNode> trees = new ArrayList<>();
    List<String> raw = new ArrayList<>();
    for (String e : events) {
      JsonNode n = MAPPER.readTree(e);
      if (!Instant.ofEpochMilli(n.get("created_at").asLong()).isBefore(since)) {
        trees.add(n);
        raw.add(e);
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong(i -> trees.get(i).get("created_at").asLong()));
    int start = 0;
    String after = q.get("after");
    if (after != null) {
      for (int i = 0; i < order.size(); i++) {
        if (trees.get(order.get(i)).get("_document_id").asText().equals(after)) {
          start = i + 1;
        }
      }
    }
    int per = Math.min(pageSize, Integer.parseInt(q.getOrDefault("per_page", "30")));
    int end = Math.min(order.size(), start + per);
    StringBuilder body = new StringBuilder("[");
    for (int i = start; i < end; i++) {
      body.append(i > start ? ",\n  " : "\n  ").append(raw.get(order.get(i)));
    }
    body.append("\n]");
    remaining = Math.max(0, remaining - 1);
    Reply reply =
        Reply.json(200, body.toString())
            .with("X-RateLimit-Limit", "5000")
            .with("X-RateLimit-Remaining", Integer.toString(remaining))
            .with("X-RateLimit-Reset", Long.toString(r.at().getEpochSecond() + 3600));
    if (end < order.size()) {
      String lastId = trees.get(order.get(end - 1)).get("_document_id").asText();
      String next =
          server.baseUrl()
              + "/orgs/"
              + org
              + "/audit-log?per_page="
              + per
              + "&order=asc"
              + (phrase == null
                  ? ""
                  : "&phrase=" + URLEncoder.encode(phrase, StandardCharsets.UTF_8))
              + "&after="
              + lastId;
      reply = reply.with("Link", "<" + next + ">; rel=\"next\"");
    }
    return reply;
  }
}
