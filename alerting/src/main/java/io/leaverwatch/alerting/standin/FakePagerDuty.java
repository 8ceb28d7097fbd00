package io.leaverwatch.alerting.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A local PagerDuty Events API v2: {@code POST /v2/enqueue} validated as the service documents it
 * (32-character routing key, event_action trigger/acknowledge/resolve, dedup_key up to 255, a
 * trigger's payload.summary up to 1024 characters, source, severity critical/error/warning/info,
 * the event at most 512 KB), answering 202 {@code {"status":"success",...,"dedup_key"}} or 400
 * {@code {"status":"invalid event","message":"Event object is invalid","errors":[...]}}. Alerts are
 * kept by dedup_key, as PagerDuty folds repeated triggers of one key into one alert.
 */
public final class FakePagerDuty extends StandInServer {
  private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
  private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

  /** One alert: what PagerDuty shows for a dedup_key. */
  public static final class Alert {
    public String status = "triggered";
    public int triggers;
    public int resolves;
    public String severity;
    public String summary;

    /** Triggers identical to the one before (same severity, summary, still triggered). */
    public int repeats;
  }

  private final Map<String, Alert> alerts = new LinkedHashMap<>();
  private final List<JsonNode> accepted = new ArrayList<>();
  private int triggers;
  private int resolves;
  private int repeats;

  public FakePagerDuty() throws IOException {
    this(Clock.systemUTC());
  }

  public FakePagerDuty(Clock clock) throws IOException {
    super(clock);
  }

  @Override
  protected Reply answer(Request r) {
    if (!r.method().equals("POST") || !r.path().equals("/v2/enqueue")) {
      return Reply.json(404, "{\"status\":\"not found\"}");
    }
    List<String> errors = new ArrayList<>();
    JsonNode n = r.json();
    if (r.body().getBytes(StandardCharsets.UTF_8).length > 512 * 1024) {
      errors.add("Event too large (the limit is 512 KB)");
    }
    if (n == null || !n.isObject()) {
      return invalid(List.of("Event is not valid JSON"));
    }
    String key = n.path("routing_key").asText("");
    if (key.length() != 32) {
      errors.add("Length of 'routing_key' is incorrect (should be 32 characters)");
    }
    String action = n.path("event_action").asText("");
    if (!ACTIONS.contains(action)) {
      errors.add("'event_action' is invalid (must be one of trigger, acknowledge, resolve)");
    }
    String dedup = n.hasNonNull("dedup_key") ? n.get("dedup_key").asText() : null;
    if (dedup != null && dedup.length() > 255) {
      errors.add("'dedup_key' must be 255 characters or fewer");
    }
    if (action.equals("trigger")) {
      JsonNode p = n.path("payload");
      String summary = p.path("summary").asText("");
      if (summary.isEmpty()) {
        errors.add("'payload.summary' is missing or blank");
      } else if (summary.length() > 1024) {
        errors.add("'payload.summary' must be 1024 characters or fewer");
      }
      if (p.path("source").asText("").isEmpty()) {
        errors.add("'payload.source' is missing or blank");
      }
      if (!SEVERITIES.contains(p.path("severity").asText(""))) {
        errors.add("'payload.severity' is invalid (must be one of critical, error, warning, info)");
      }
    } else if (!action.isEmpty() && dedup == null) {
      errors.add("'dedup_key' is required for " + action + " events");
    }
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    if (dedup == null) {
      dedup = UUID.randomUUID().toString().replace("-", "");
    }
    accepted.add(n);
    Alert a = alerts.computeIfAbsent(dedup, k -> new Alert());
    if (action.equals("trigger")) {
      // PagerDuty de-duplicates a trigger of an open alert into it; count such identical repeats
      if (a.triggers > 0
          && a.status.equals("triggered")
          && n.path("payload").path("severity").asText().equals(a.severity)
          && n.path("payload").path("summary").asText().equals(a.summary)) {
        a.repeats++;
        repeats++;
      }
      triggers++;
      a.triggers++;
      a.status = "triggered";
      a.severity = n.path("payload").path("severity").asText();
      a.summary = n.path("payload").path("summary").asText();
    } else if (action.equals("resolve")) {
      resolves++;
      a.resolves++;
      a.status = "resolved";
    } else {
      a.status = "acknowledged";
    }
    ObjectNode ok = object();
    ok.put("status", "success");
    ok.put("message", "Event processed");
    ok.put("dedup_key", dedup);
    return Reply.json(202, ok.toString());
  }

  private static Reply invalid(List<String> errors) {
    ObjectNode body = object();
    body.put("status", "invalid event");
    body.put("message", "Event object is invalid");
    ArrayNode e = body.putArray("errors");
    errors.forEach(e::add);
    return Reply.json(400, body.toString());
  }

  /** A 429 as PagerDuty sends it: no body. */
  public static Reply tooManyRequests() {
    return new Reply(429, Map.of(), "");
  }

  public static Reply serverError() {
    return Reply.json(500, "{\"status\":\"error\",\"message\":\"Internal server error\"}");
  }

  public synchronized Map<String, Alert> alerts() {
    return Map.copyOf(alerts);
  }

  public synchronized List<JsonNode> acceptedEvents() {
    return List.copyOf(accepted);
  }

  public synchronized int triggers() {
    return triggers;
  }

  public synchronized int resolves() {
    return resolves;
  }

  /** Triggers that repeated the alert's last one exactly, which PagerDuty folds into it. */
  public synchronized int repeatedTriggers() {
    return repeats;
  }

  /** Triggers that changed what PagerDuty shows: the first of an alert, a new severity. */
  public synchronized int distinctTriggers() {
    return triggers - repeats;
  }
}
