package io.leaverwatch.ingest.okta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.FakeHttpServer.Reply;
import io.leaverwatch.ingest.FakeHttpServer.Request;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Behaves like Okta's System Log polling as documented: {@code since}, {@code after} cursors, a
 * Link rel="next" on every page (also the empty one, which means "caught up"), SSWS or Bearer auth,
 * X-Rate-Limit-* headers, and an OAuth token endpoint that checks a private-key JWT.
 */
final class FakeOktaApi implements FakeHttpServer.Route {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  final List<String> events = new ArrayList<>();
  final Set<String> validTokens = new HashSet<>();
  final int pageSize;
  FakeHttpServer server;
  PublicKey clientKey;
  String clientId;
  int issued;
  final List<String> assertionErrors = new ArrayList<>();

  FakeOktaApi(int pageSize) {
    this.pageSize = pageSize;
  }

  synchronized String add(String uuid, Instant published, String eventType) {
    String json =
        "{\"actor\":{\"id\":\"00u1qw1mqitPHM8AJ0g7\",\"type\":\"User\",\"alternateId\":"
            + "\"john.doe@example.com\",\"displayName\":\"John Doe\"},"
            + "\"client\":{\"ipAddress\":\"12.97.85.90\"},\"outcome\":{\"result\":\"SUCCESS\"},"
            + "\"uuid\":\""
            + uuid
            + "\",\"published\":\""
            + published
            + "\",\"eventType\":\""
            + eventType
            + "\",\"version\":\"0\",\"severity\":\"INFO\"}";
    events.add(json);
    return json;
  }

  @Override
  public synchronized Reply answer(Request r) throws IOException {
    String path = r.uri().getPath();
    if (path.equals("/oauth2/v1/token")) {
      return token(r);
    }
    String auth = r.header("Authorization");
    if (auth == null || !validTokens.contains(auth)) {
      return Reply.json(
          401,
          "{\"errorCode\":\"E0000011\",\"errorSummary\":\"Invalid token provided\",\"errorLink\":"
              + "\"E0000011\",\"errorId\":\"oaeX\",\"errorCauses\":[]}");
    }
    if (!path.equals("/api/v1/logs")) {
      return Reply.json(404, "{\"errorCode\":\"E0000007\",\"errorSummary\":\"Not found\"}");
    }
    Map<String, String> q = RateLimitedHttp.query(r.uri());
    Instant since = q.containsKey("since") ? Instant.parse(q.get("since")) : Instant.EPOCH;
    int start = 0;
    String after = q.get("after");
    List<String> visible = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (String e : events) {
      JsonNode n = MAPPER.readTree(e);
      if (!Instant.parse(n.get("published").asText()).isBefore(since)) {
        visible.add(e);
        ids.add(n.get("uuid").asText());
      }
    }
    if (after != null) {
      start = ids.indexOf(after) + 1;
    }
    int end = Math.min(visible.size(), start + pageSize);
    String nextAfter = end > start ? ids.get(end - 1) : after;
    String next =
        server.baseUrl()
            + "/api/v1/logs?sortOrder=ASCENDING&limit="
            + q.getOrDefault("limit", "100")
            + (q.containsKey("since")
                ? "&since=" + URLEncoder.encode(q.get("since"), StandardCharsets.UTF_8)
                : "")
            + (nextAfter == null ? "" : "&after=" + nextAfter);
    String self = r.uri().toString();
    return Reply.json(200, "[" + String.join(",", visible.subList(start, end)) + "]")
        .with("Link", "<" + self + ">; rel=\"self\", <" + next + ">; rel=\"next\"")
        .with("X-Rate-Limit-Limit", "120")
        .with("X-Rate-Limit-Remaining", "119")
        .with("X-Rate-Limit-Reset", Long.toString(r.at().getEpochSecond() + 60));
  }

  private Reply token(Request r) {
    Map<String, String> form =
        RateLimitedHttp.query(java.net.URI.create("http://x/?" + r.bodyText()));
    String jwt = form.get("client_assertion");
    try {
      if (!"client_credentials".equals(form.get("grant_type"))
          || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
              .equals(form.get("client_assertion_type"))
          || jwt == null) {
        throw new IllegalArgumentException("bad form " + form.keySet());
      }
      String[] parts = jwt.split("\\.");
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(clientKey);
      s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!s.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        throw new IllegalArgumentException("signature does not verify");
      }
      JsonNode claims = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode header = MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
      if (!header.path("alg").asText().equals("RS256")
          || !claims.path("iss").asText().equals(clientId)
          || !claims.path("sub").asText().equals(clientId)
          || !claims.path("aud").asText().equals(server.baseUrl() + "/oauth2/v1/token")
          || claims.path("exp").asLong() <= claims.path("iat").asLong()) {
        throw new IllegalArgumentException("bad claims " + claims);
      }
    } catch (Exception e) {
      assertionErrors.add(e.getMessage());
      return Reply.json(
          401, "{\"error\":\"invalid_client\",\"error_description\":\"" + e.getMessage() + "\"}");
    }
    issued++;
    String access = "eyJraWQiOiJ-access-" + issued + "-Zq81";
    validTokens.add("Bearer " + access);
    return Reply.json(
        200,
        "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\""
            + access
            + "\",\"scope\":\"okta.logs.read\"}");
  }
}
