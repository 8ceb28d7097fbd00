package io.leaverwatch.alerting.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A local Slack Web API: {@code POST /api/chat.postMessage} and {@code /api/chat.update} with a bot
 * token ({@code Authorization: Bearer}), answering as Slack does: HTTP 200 with {@code
 * {"ok":true,"channel":"C…","ts":"…"}} or {@code {"ok":false,"error":"…"}} (not_authed,
 * invalid_auth, channel_not_found, message_not_found, no_text, invalid_blocks), and HTTP 429 with
 * {@code Retry-After} (seconds) and {@code "error":"ratelimited"} when a channel gets messages
 * faster than its limit. Block Kit is checked against Slack's limits: at most 50 blocks, header
 * plain_text up to 150 characters, text objects up to 3000, at most 10 section fields of 2000.
 */
public final class FakeSlack extends StandInServer {
  private static final Set<String> BLOCK_TYPES =
      Set.of("header", "section", "context", "actions", "divider");

  /** One message in a channel, as it reads now. */
  public static final class Message {
    public final String channel;
    public final String ts;
    public JsonNode body;
    public int updates;

    Message(String channel, String ts, JsonNode body) {
      this.channel = channel;
      this.ts = ts;
      this.body = body;
    }
  }

  private final String token;
  private final Map<String, String> channelIds = new HashMap<>();
  private final Map<String, Message> messages = new LinkedHashMap<>();
  private final Map<String, Long> lastWrite = new HashMap<>();
  private Duration minIntervalPerChannel = Duration.ZERO;
  private long seq;
  private int posted;
  private int updated;
  private int rateLimited;

  public FakeSlack(String token) throws IOException {
    this(token, Clock.systemUTC());
  }

  public FakeSlack(String token, Clock clock) throws IOException {
    super(clock);
    this.token = token;
  }

  /** Answer 429 (Retry-After: 1) to a second message in one channel within this interval. */
  public synchronized FakeSlack rateLimitPerChannel(Duration interval) {
    this.minIntervalPerChannel = interval;
    return this;
  }

  @Override
  protected Reply answer(Request r) {
    String auth = r.header("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      return error("not_authed");
    }
    if (!auth.substring("Bearer ".length()).equals(token)) {
      return error("invalid_auth");
    }
    JsonNode n = r.json();
    if (n == null || !n.isObject()) {
      return error("invalid_json");
    }
    switch (r.path()) {
      case "/api/chat.postMessage":
        return post(n, r.atMillis());
      case "/api/chat.update":
        return update(n, r.atMillis());
      default:
        return error("unknown_method");
    }
  }

  private Reply post(JsonNode n, long now) {
    String channel = n.path("channel").asText("");
    String id = channelId(channel);
    if (id == null) {
      return error("channel_not_found");
    }
    Reply invalid = checkContent(n);
    if (invalid != null) {
      return invalid;
    }
    Reply limited = rateLimit(id, now);
    if (limited != null) {
      return limited;
    }
    String ts = String.format("%d.%06d", now / 1000, ++seq);
    messages.put(id + "/" + ts, new Message(id, ts, n));
    posted++;
    ObjectNode ok = object();
    ok.put("ok", true);
    ok.put("channel", id);
    ok.put("ts", ts);
    ok.set("message", n);
    return Reply.json(200, ok.toString());
  }

  private Reply update(JsonNode n, long now) {
    String id = n.path("channel").asText("");
    if (!channelIds.containsValue(id)) {
      return error("channel_not_found"); // chat.update takes the channel id, not its name
    }
    Message m = messages.get(id + "/" + n.path("ts").asText(""));
    if (m == null) {
      return error("message_not_found");
    }
    Reply invalid = checkContent(n);
    if (invalid != null) {
      return invalid;
    }
    Reply limited = rateLimit(id, now);
    if (limited != null) {
      return limited;
    }
    m.body = n;
    m.updates++;
    updated++;
    ObjectNode ok = object();
    ok.put("ok", true);
    ok.put("channel", id);
    ok.put("ts", m.ts);
    ok.put("text", n.path("text").asText(""));
    return Reply.json(200, ok.toString());
  }

  private String channelId(String channel) {
    if (channel.startsWith("#") && channel.length() > 1) {
      return channelIds.computeIfAbsent(
          channel, c -> String.format("C%010d", channelIds.size() + 1));
    }
    return channelIds.containsValue(channel) ? channel : null;
  }

  private Reply rateLimit(String channelId, long now) {
    Long last = lastWrite.get(channelId);
    if (last != null && now - last < minIntervalPerChannel.toMillis()) {
      rateLimited++;
      return Reply.json(429, "{\"ok\":false,\"error\":\"ratelimited\"}").with("Retry-After", "1");
    }
    lastWrite.put(channelId, now);
    return null;
  }

  private Reply checkContent(JsonNode n) {
    JsonNode blocks = n.get("blocks");
    if ((blocks == null || blocks.isEmpty()) && n.path("text").asText("").isEmpty()) {
      return error("no_text");
    }
    if (blocks == null) {
      return null;
    }
    if (!blocks.isArray() || blocks.size() > 50) {
      return error("invalid_blocks");
    }
    for (JsonNode b : blocks) {
      String type = b.path("type").asText("");
      if (!BLOCK_TYPES.contains(type)) {
        return error("invalid_blocks");
      }
      if (type.equals("header")
          && (!b.path("text").path("type").asText().equals("plain_text")
              || b.path("text").path("text").asText().length() > 150)) {
        return error("invalid_blocks");
      }
      if (b.has("text") && !textObject(b.get("text"), 3000)) {
        return error("invalid_blocks");
      }
      if (b.has("fields")) {
        if (b.get("fields").size() > 10) {
          return error("invalid_blocks");
        }
        for (JsonNode f : b.get("fields")) {
          if (!textObject(f, 2000)) {
            return error("invalid_blocks");
          }
        }
      }
      if (type.equals("section") && !b.has("text") && !b.has("fields")) {
        return error("invalid_blocks");
      }
    }
    return null;
  }

  private static boolean textObject(JsonNode t, int max) {
    String type = t.path("type").asText("");
    String text = t.path("text").asText("");
    return (type.equals("plain_text") || type.equals("mrkdwn"))
        && !text.isEmpty()
        && text.length() <= max;
  }

  private static Reply error(String code) {
    return Reply.json(200, "{\"ok\":false,\"error\":\"" + code + "\"}");
  }

  /** A rate-limit answer as Slack sends it. */
  public static Reply ratelimited(int retryAfterSeconds) {
    return Reply.json(429, "{\"ok\":false,\"error\":\"ratelimited\"}")
        .with("Retry-After", Integer.toString(retryAfterSeconds));
  }

  public static Reply okFalse(String error) {
    return error(error);
  }

  public synchronized List<Message> messages() {
    return new ArrayList<>(messages.values());
  }

  public synchronized int posted() {
    return posted;
  }

  public synchronized int updated() {
    return updated;
  }

  public synchronized int rateLimited() {
    return rateLimited;
  }
}
