package io.leaverwatch.alerting.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Slack Web API ({@code POST {base}/api/<method>}) with a bot token in the Authorization header.
 */
public final class SlackSender implements AlertSender {
  public static final String DEFAULT_BASE_URL = "https://slack.com";

  /** The token is wrong, revoked or lacks a scope: the receiver is failing, not the message. */
  static final Set<String> AUTH_ERRORS =
      Set.of(
          "invalid_auth",
          "not_authed",
          "account_inactive",
          "token_revoked",
          "token_expired",
          "no_permission",
          "missing_scope",
          "not_allowed_token_type",
          "ekm_access_denied");

  /** Slack's own trouble: retry. */
  static final Set<String> TRANSIENT_ERRORS =
      Set.of("internal_error", "fatal_error", "service_unavailable", "request_timeout");

  private final HttpClient http;
  private final String base;
  private final String token;

  public SlackSender(String baseUrl, String token) {
    this(Http.client(), baseUrl, token);
  }

  SlackSender(HttpClient http, String baseUrl, String token) {
    this.http = http;
    this.base = Http.base(baseUrl);
    this.token = token;
  }

  @Override
  public Outcome send(String method, ObjectNode body) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "/api/" + method))
            .timeout(Http.REQUEST_TIMEOUT)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Outcome.retry(
          Http.scrub(
              "Slack unreachable: " + e.getClass().getSimpleName() + ": " + e.getMessage(), token));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retry("interrupted");
    }
    int code = resp.statusCode();
    if (code == 429) {
      return Outcome.rateLimited(Http.retryAfter(resp.headers()), "Slack 429 ratelimited");
    }
    if (code == 401 || code == 403) {
      return Outcome.authFailed(Http.scrub("Slack " + code, token));
    }
    if (code >= 500 || code == 408) {
      return Outcome.retry("Slack " + code);
    }
    JsonNode n;
    try {
      n = Json.treeReader().readTree(resp.body());
    } catch (IOException | RuntimeException e) {
      return code == 200
          ? Outcome.retry("Slack " + code + ": unreadable answer")
          : Outcome.rejected("Slack " + code + ": unreadable answer");
    }
    if (n.path("ok").asBoolean(false)) {
      return Outcome.delivered(n.path("ts").asText(null), n.path("channel").asText(null));
    }
    String error = n.path("error").asText("unknown_error");
    String reason = Http.scrub("Slack " + method + ": " + error, token);
    if (error.equals("ratelimited")) {
      return Outcome.rateLimited(Http.retryAfter(resp.headers()), reason);
    }
    if (AUTH_ERRORS.contains(error)) {
      return Outcome.authFailed(reason);
    }
    if (TRANSIENT_ERRORS.contains(error)) {
      return Outcome.retry(reason);
    }
    return Outcome.rejected(reason);
  }
}
