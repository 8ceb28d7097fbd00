package io.leaverwatch.alerting.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack Web API ({@code POST {base}/api/<method>}) with a bot token in the Authorization header.
 * Writes go as JSON; the read methods a restart needs ({@code conversations.list} to learn a
 * channel's id, {@code conversations.history} to find a message by its metadata) go form-encoded,
 * the way Slack takes their arguments.
 */
public final class SlackSender implements AlertSender {
  private static final Logger LOG = LoggerFactory.getLogger(SlackSender.class);
  public static final String DEFAULT_BASE_URL = "https://slack.com";

  /** The {@code metadata.event_type} of every finding message this process posts. */
  public static final String EVENT_TYPE = "leaverwatch_finding";

  /**
   * The {@code metadata.event_type} of every digest message ({@code event_payload} digest_id,
   * receiver, findings).
   */
  public static final String DIGEST_EVENT_TYPE = "leaverwatch_digest";

  /**
   * A page of history: 15 is the most non-Marketplace apps get since Slack's 2025 limits, so the
   * lookup pages the same way under either limit.
   */
  static final int HISTORY_PAGE = 15;

  /** A lookup gives up (and the message is posted) after this many pages. */
  static final int MAX_HISTORY_PAGES = 200;

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
  private final Map<String, String> channelIds = new ConcurrentHashMap<>();

  /** Where a lookup stopped on a 429: it resumes there, so a page a minute still gets through. */
  private final Map<String, String> resume = new ConcurrentHashMap<>();

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
    Answer a = call(method, "application/json; charset=utf-8", body.toString());
    if (a.failure != null) {
      return a.failure;
    }
    String channel = a.json.path("channel").asText(null);
    String asked = body.path("channel").asText("");
    if (channel != null && asked.startsWith("#")) {
      channelIds.put(asked, channel);
    }
    return Outcome.delivered(a.json.path("ts").asText(null), channel);
  }

  @Override
  public Outcome findPosted(String channel, String findingId, String receiver, Instant oldest) {
    return find(channel, EVENT_TYPE, "finding_id", findingId, receiver, oldest);
  }

  @Override
  public Outcome findDigestPosted(
      String channel, String digestId, String receiver, Instant oldest) {
    return find(channel, DIGEST_EVENT_TYPE, "digest_id", digestId, receiver, oldest);
  }

  /** The newest message since {@code oldest} whose metadata has that event type and id. */
  private Outcome find(
      String channel,
      String eventType,
      String idField,
      String wanted,
      String receiver,
      Instant oldest) {
    String id = channel;
    if (channel.startsWith("#")) {
      Outcome resolved = resolveChannel(channel);
      if (resolved.kind() != Outcome.Kind.DELIVERED) {
        return resolved;
      }
      id = resolved.channel();
    }
    String key = wanted + "\u0000" + receiver;
    String cursor = resume.getOrDefault(key, "");
    for (int page = 0; page < MAX_HISTORY_PAGES; page++) {
      Map<String, String> args = new LinkedHashMap<>();
      args.put("channel", id);
      args.put("include_all_metadata", "true");
      args.put("limit", Integer.toString(HISTORY_PAGE));
      args.put("oldest", slackTs(oldest));
      if (!cursor.isEmpty()) {
        args.put("cursor", cursor);
      }
      Answer a = call("conversations.history", FORM, form(args));
      if (a.failure != null) {
        if (a.failure.kind() == Outcome.Kind.RATE_LIMITED && !cursor.isEmpty()) {
          resume.put(key, cursor);
        } else {
          resume.remove(key);
        }
        return a.failure;
      }
      for (JsonNode m : a.json.path("messages")) {
        JsonNode md = m.path("metadata");
        JsonNode p = md.path("event_payload");
        if (eventType.equals(md.path("event_type").asText())
            && wanted.equals(p.path(idField).asText())
            && receiver.equals(p.path("receiver").asText())) {
          resume.remove(key);
          return Outcome.found(m.path("ts").asText(), id, p.path("revision").asLong(0));
        }
      }
      cursor = a.json.path("response_metadata").path("next_cursor").asText("");
      if (cursor.isEmpty()) {
        resume.remove(key);
        return Outcome.notFound("no message of " + wanted + " in " + channel);
      }
    }
    resume.remove(key);
    LOG.warn(
        "{}: looked through {} pages of {} without finding the message of {}; posting it",
        receiver,
        MAX_HISTORY_PAGES,
        channel,
        wanted);
    return Outcome.notFound("history lookup bounded at " + MAX_HISTORY_PAGES + " pages");
  }

  /** The channel id of {@code #name}: from an earlier post's answer, else conversations.list. */
  private Outcome resolveChannel(String name) {
    String known = channelIds.get(name);
    if (known != null) {
      return Outcome.delivered(null, known);
    }
    String cursor = "";
    for (int page = 0; page < MAX_HISTORY_PAGES; page++) {
      Map<String, String> args = new LinkedHashMap<>();
      args.put("types", "public_channel,private_channel");
      args.put("exclude_archived", "true");
      args.put("limit", "200");
      if (!cursor.isEmpty()) {
        args.put("cursor", cursor);
      }
      Answer a = call("conversations.list", FORM, form(args));
      if (a.failure != null) {
        return a.failure;
      }
      for (JsonNode c : a.json.path("channels")) {
        if (name.substring(1).equals(c.path("name").asText())) {
          channelIds.put(name, c.path("id").asText());
          return Outcome.delivered(null, c.path("id").asText());
        }
      }
      cursor = a.json.path("response_metadata").path("next_cursor").asText("");
      if (cursor.isEmpty()) {
        break;
      }
    }
    // a channel the bot cannot see holds no message of ours
    return Outcome.notFound("channel " + name + " not visible to the bot");
  }

  private static final String FORM = "application/x-www-form-urlencoded";

  private static String form(Map<String, String> args) {
    return args.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** Slack's {@code ts} form of an instant: seconds with six decimals. */
  static String slackTs(Instant t) {
    return BigDecimal.valueOf(t.getEpochSecond())
        .add(BigDecimal.valueOf(t.getNano() / 1000, 6))
        .setScale(6)
        .toPlainString();
  }

  /** Either the {@code ok:true} answer or the outcome a failure maps to. */
  private record Answer(JsonNode json, Outcome failure) {}

  private Answer call(String method, String contentType, String body) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "/api/" + method))
            .timeout(Http.REQUEST_TIMEOUT)
            .header("Content-Type", contentType)
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return fail(
          Outcome.retry(
              Http.scrub(
                  "Slack unreachable: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                  token)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(Outcome.retry("interrupted"));
    }
    int code = resp.statusCode();
    if (code == 429) {
      return fail(
          Outcome.rateLimited(Http.retryAfter(resp.headers()), "Slack 429 ratelimited " + method));
    }
    if (code == 401 || code == 403) {
      return fail(Outcome.authFailed(Http.scrub("Slack " + code, token)));
    }
    if (code >= 500 || code == 408) {
      return fail(Outcome.retry("Slack " + code));
    }
    JsonNode n;
    try {
      n = Json.treeReader().readTree(resp.body());
    } catch (IOException | RuntimeException e) {
      return fail(
          code == 200
              ? Outcome.retry("Slack " + code + ": unreadable answer")
              : Outcome.rejected("Slack " + code + ": unreadable answer"));
    }
    if (n.path("ok").asBoolean(false)) {
      return new Answer(n, null);
    }
    String error = n.path("error").asText("unknown_error");
    String reason = Http.scrub("Slack " + method + ": " + error, token);
    if (error.equals("ratelimited")) {
      return fail(Outcome.rateLimited(Http.retryAfter(resp.headers()), reason));
    }
    if (AUTH_ERRORS.contains(error)) {
      return fail(Outcome.authFailed(reason));
    }
    if (TRANSIENT_ERRORS.contains(error)) {
      return fail(Outcome.retry(reason));
    }
    return fail(Outcome.rejected(reason));
  }

  private static Answer fail(Outcome o) {
    return new Answer(null, o);
  }
}
