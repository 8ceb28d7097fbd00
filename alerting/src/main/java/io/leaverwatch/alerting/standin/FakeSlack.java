package io.leaverwatch.alerting.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
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
 *
 * <p>Message {@code metadata} ({@code event_type} and an {@code event_payload} object) is kept with
 * the message ({@code invalid_metadata_format} otherwise). The read side a restart uses is here
 * too, form-encoded as Slack takes it: {@code conversations.list} (channels with id and name,
 * cursor-paginated) and {@code conversations.history} (channel id; newest first; {@code oldest}
 * exclusive unless {@code inclusive}; {@code limit} default 100, capped by {@link #historyLimits};
 * {@code metadata} only with {@code include_all_metadata=true}; {@code has_more} and {@code
 * response_metadata.next_cursor}; 429 with {@code Retry-After} beyond its requests per minute, Tier
 * 3 by default, 1 a minute and 15 a page for non-Marketplace apps since May 2025).
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
  private int historyPerMinute = 50;
  private int historyMaxPage = 999;
  private final Deque<Long> historyCalls = new ArrayDeque<>();
  private int historyRequests;
  private int historyRateLimited;
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

  /**
   * conversations.history's limits: requests per minute (429 beyond) and the largest page. Slack's
   * Tier 3 is about 50 a minute and 999 a page; non-Marketplace apps get 1 and 15.
   */
  public synchronized FakeSlack historyLimits(int requestsPerMinute, int maxPage) {
    this.historyPerMinute = requestsPerMinute;
    this.historyMaxPage = maxPage;
    return this;
  }

  /** A message that someone else posted in {@code #name} (no metadata of ours). */
  public synchronized String postOther(String channelName, String text) {
    String id = channelId(channelName);
    String ts = String.format("%d.%06d", clock.millis() / 1000, ++seq);
    ObjectNode body = object();
    body.put("channel", channelName);
    body.put("text", text);
    messages.put(id + "/" + ts, new Message(id, ts, body));
    return ts;
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
    String ct = String.valueOf(r.header("Content-Type"));
    if (ct.startsWith("application/x-www-form-urlencoded")) {
      Map<String, String> form = form(r.body());
      switch (r.path()) {
        case "/api/conversations.history":
          return history(form, r.atMillis());
        case "/api/conversations.list":
          return list(form);
        default:
          return error("unknown_method");
      }
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

  private Reply history(Map<String, String> form, long now) {
    String id = form.getOrDefault("channel", "");
    if (!channelIds.containsValue(id)) {
      return error("channel_not_found"); // an id, not a #name
    }
    while (!historyCalls.isEmpty() && now - historyCalls.peekFirst() >= 60_000) {
      historyCalls.pollFirst();
    }
    historyRequests++;
    if (historyCalls.size() >= historyPerMinute) {
      historyRateLimited++;
      long wait = Math.max(1, (historyCalls.peekFirst() + 60_000 - now + 999) / 1000);
      return ratelimited((int) wait);
    }
    historyCalls.addLast(now);
    int limit;
    try {
      limit = Integer.parseInt(form.getOrDefault("limit", "100"));
    } catch (NumberFormatException e) {
      return error("invalid_arguments");
    }
    limit = Math.max(1, Math.min(limit, historyMaxPage));
    BigDecimal oldest = ts(form.getOrDefault("oldest", "0"));
    BigDecimal latest = form.containsKey("latest") ? ts(form.get("latest")) : null;
    boolean inclusive = "true".equals(form.get("inclusive")) || "1".equals(form.get("inclusive"));
    boolean metadata =
        "true".equals(form.get("include_all_metadata"))
            || "1".equals(form.get("include_all_metadata"));
    BigDecimal before = null;
    String cursor = form.getOrDefault("cursor", "");
    if (!cursor.isEmpty()) {
      try {
        String c = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (!c.startsWith("next_ts:")) {
          return error("invalid_cursor");
        }
        before = new BigDecimal(c.substring("next_ts:".length()));
      } catch (IllegalArgumentException e) {
        return error("invalid_cursor");
      }
    }
    List<Message> inChannel = new ArrayList<>();
    for (Message m : messages.values()) {
      BigDecimal t = ts(m.ts);
      int vsOldest = t.compareTo(oldest);
      if (!m.channel.equals(id) || vsOldest < 0 || (vsOldest == 0 && !inclusive)) {
        continue;
      }
      if (latest != null && (t.compareTo(latest) > 0 || (t.equals(latest) && !inclusive))) {
        continue;
      }
      if (before != null && t.compareTo(before) > 0) {
        continue;
      }
      inChannel.add(m);
    }
    inChannel.sort((a, b) -> ts(b.ts).compareTo(ts(a.ts)));
    ObjectNode ok = object();
    ok.put("ok", true);
    ArrayNode out = ok.putArray("messages");
    for (Message m : inChannel.subList(0, Math.min(limit, inChannel.size()))) {
      ObjectNode o = out.addObject();
      o.put("type", "message");
      o.put("user", "U0LEAVERW");
      o.put("bot_id", "B0LEAVERW");
      o.put("text", m.body.path("text").asText(""));
      o.put("ts", m.ts);
      if (m.body.has("blocks")) {
        o.set("blocks", m.body.get("blocks"));
      }
      if (metadata && m.body.has("metadata")) {
        o.set("metadata", m.body.get("metadata"));
      }
    }
    boolean more = inChannel.size() > limit;
    ok.put("has_more", more);
    ok.put("pin_count", 0);
    ObjectNode rm = ok.putObject("response_metadata");
    rm.put(
        "next_cursor",
        more
            ? Base64.getEncoder()
                .encodeToString(
                    ("next_ts:" + inChannel.get(limit).ts).getBytes(StandardCharsets.UTF_8))
            : "");
    return Reply.json(200, ok.toString());
  }

  private Reply list(Map<String, String> form) {
    ObjectNode ok = object();
    ok.put("ok", true);
    ArrayNode out = ok.putArray("channels");
    int limit = Math.max(1, Integer.parseInt(form.getOrDefault("limit", "100")));
    List<Map.Entry<String, String>> all = new ArrayList<>(channelIds.entrySet());
    all.sort(Map.Entry.comparingByValue());
    int from = 0;
    String cursor = form.getOrDefault("cursor", "");
    if (!cursor.isEmpty()) {
      try {
        from =
            Integer.parseInt(
                new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8)
                    .substring("offset:".length()));
      } catch (RuntimeException e) {
        return error("invalid_cursor");
      }
    }
    for (int i = from; i < Math.min(all.size(), from + limit); i++) {
      ObjectNode c = out.addObject();
      c.put("id", all.get(i).getValue());
      c.put("name", all.get(i).getKey().substring(1));
      c.put("is_channel", true);
      c.put("is_member", true);
      c.put("is_archived", false);
    }
    String next =
        from + limit < all.size()
            ? Base64.getEncoder()
                .encodeToString(("offset:" + (from + limit)).getBytes(StandardCharsets.UTF_8))
            : "";
    ok.putObject("response_metadata").put("next_cursor", next);
    return Reply.json(200, ok.toString());
  }

  private static BigDecimal ts(String t) {
    try {
      return new BigDecimal(t);
    } catch (NumberFormatException e) {
      return BigDecimal.ZERO;
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
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
    JsonNode md = n.get("metadata");
    if (md != null
        && (!md.isObject()
            || !md.path("event_type").isTextual()
            || md.path("event_type").asText().isEmpty()
            || !md.path("event_payload").isObject())) {
      return error("invalid_metadata_format");
    }
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

  public synchronized int historyRequests() {
    return historyRequests;
  }

  public synchronized int historyRateLimited() {
    return historyRateLimited;
  }
}
