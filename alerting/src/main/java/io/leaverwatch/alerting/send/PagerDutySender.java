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

/** {@code POST {base}/v2/enqueue} of the Events API v2, the routing key added only here. */
public final class PagerDutySender implements AlertSender {
  public static final String DEFAULT_BASE_URL = "https://events.pagerduty.com";

  private final HttpClient http;
  private final URI enqueue;
  private final String routingKey;

  public PagerDutySender(String baseUrl, String routingKey) {
    this(Http.client(), baseUrl, routingKey);
  }

  PagerDutySender(HttpClient http, String baseUrl, String routingKey) {
    this.http = http;
    this.enqueue = URI.create(Http.base(baseUrl) + "/v2/enqueue");
    this.routingKey = routingKey;
  }

  @Override
  public Outcome send(String method, ObjectNode rendered) {
    ObjectNode body = rendered.deepCopy();
    body.put("routing_key", routingKey);
    HttpRequest req =
        HttpRequest.newBuilder(enqueue)
            .timeout(Http.REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Outcome.retry(
          Http.scrub(
              "PagerDuty unreachable: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
              routingKey));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retry("interrupted");
    }
    int code = resp.statusCode();
    if (code == 202 || code == 200) {
      return Outcome.delivered(null, null);
    }
    String reason = Http.scrub("PagerDuty " + code + ": " + describe(resp.body()), routingKey);
    if (code == 429) {
      return Outcome.rateLimited(Http.retryAfter(resp.headers()), reason);
    }
    if (code == 401 || code == 403) {
      return Outcome.authFailed(reason);
    }
    if (code >= 500 || code == 408) {
      return Outcome.retry(reason);
    }
    return Outcome.rejected(reason);
  }

  /** {"status":"invalid event","message":"Event object is invalid","errors":[...]} → one line. */
  private static String describe(String body) {
    if (body == null || body.isBlank()) {
      return "(no body)";
    }
    try {
      JsonNode n = Json.treeReader().readTree(body);
      StringBuilder sb = new StringBuilder();
      sb.append(n.path("status").asText("")).append(": ").append(n.path("message").asText(""));
      if (n.path("errors").isArray() && !n.path("errors").isEmpty()) {
        sb.append(" ").append(n.path("errors").toString());
      }
      return sb.toString();
    } catch (IOException | RuntimeException e) {
      return body.length() > 200 ? body.substring(0, 200) : body;
    }
  }
}
