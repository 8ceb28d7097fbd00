package io.leaverwatch.alerting.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.alerting.routes.RouteMatcher;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * PagerDuty Events API v2 bodies. The routing key is not part of what is rendered: the sender adds
 * it just before the request, so payload files, the DLQ and logs can never contain it.
 */
public final class PagerDutyPayloads {
  /** PagerDuty answers 400 to a longer summary. */
  public static final int MAX_SUMMARY = 1024;

  /** The Events API's limit for a whole event, less room for the routing key the sender adds. */
  public static final int MAX_EVENT_BYTES = 512 * 1024 - 256;

  static final int MAX_FIELD = 4096;

  private PagerDutyPayloads() {}

  public static ObjectNode trigger(Finding f, FindingLinks links) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("event_action", "trigger");
    body.put("dedup_key", f.getFindingId());
    ObjectNode payload = body.putObject("payload");
    payload.put("summary", Text.cap(f.getSummary(), MAX_SUMMARY));
    payload.put("source", "leaverwatch");
    payload.put("severity", severity(f.getSeverity()));
    payload.put("timestamp", f.getLastSeen().toString());
    if (f.getSource() != null) {
      payload.put("component", f.getSource().name().toLowerCase(Locale.ROOT));
    }
    if (f.getRole() != null) {
      payload.put("group", Text.cap(f.getRole(), 255));
    }
    payload.put("class", f.getType().name());
    ObjectNode d = payload.putObject("custom_details");
    d.put("type", f.getType().name());
    d.put("severity", f.getSeverity().name());
    d.put("status", f.getStatus().name());
    d.put("revision", f.getRevision());
    d.put("person_id", capped(f.getPersonId()));
    putIfSet(d, "email", f.getEmail());
    putIfSet(d, "role", f.getRole());
    if (f.getSource() != null) {
      d.put("source", f.getSource().name());
    }
    putIfSet(d, "identity", f.getIdentity());
    putIfSet(d, "action", f.getAction());
    d.put("event_count", f.getEventCount());
    d.put("first_seen", f.getFirstSeen().toString());
    d.put("last_seen", f.getLastSeen().toString());
    if (f.getDepartedAt() != null) {
      d.put("departed_at", f.getDepartedAt().toString());
    }
    d.put("rule_id", capped(f.getRuleId()));
    putIfSet(d, "rule_version", f.getRuleVersion());
    putIfSet(d, "resolution", f.getResolution());
    // the ids of the evidence, never the raw events: those stay in Elasticsearch
    List<String> ids = f.getEventIds();
    ArrayNode idsNode = d.putArray("event_ids");
    ids.forEach(id -> idsNode.add(capped(id)));
    String link = links.forFinding(f.getFindingId());
    if (link != null) {
      ArrayNode l = body.putArray("links");
      l.addObject().put("href", link).put("text", "Finding in Kibana");
    }
    body.put("client", "Leaverwatch");
    int kept = ids.size();
    while (bytes(body) > MAX_EVENT_BYTES && kept > 0) {
      kept = kept / 2;
      ArrayNode trimmed = d.putArray("event_ids");
      ids.subList(0, kept).forEach(id -> trimmed.add(capped(id)));
      d.put("event_ids_omitted", ids.size() - kept);
    }
    return body;
  }

  public static ObjectNode resolve(Finding f) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("event_action", "resolve");
    body.put("dedup_key", f.getFindingId());
    return body;
  }

  /** One event for the findings over a receiver's budget in a window; its own dedup key. */
  public static ObjectNode digest(
      String receiver, Instant windowStart, List<DigestItem> items, String windowText) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("event_action", "trigger");
    body.put("dedup_key", "leaverwatch-digest:" + receiver + ":" + windowStart.toEpochMilli());
    ObjectNode payload = body.putObject("payload");
    payload.put(
        "summary",
        Text.cap(
            "Leaverwatch: "
                + items.size()
                + " more finding(s) in "
                + windowText
                + " (digest; each is in Elasticsearch)",
            MAX_SUMMARY));
    payload.put("source", "leaverwatch");
    Severity max = Severity.INFO;
    for (DigestItem i : items) {
      Severity s = parse(i.severity());
      if (RouteMatcher.rank(s) > RouteMatcher.rank(max)) {
        max = s;
      }
    }
    payload.put("severity", severity(max));
    payload.put("timestamp", windowStart.toString());
    payload.put("class", "DIGEST");
    ObjectNode d = payload.putObject("custom_details");
    ArrayNode lines = d.putArray("findings");
    ArrayNode ids = d.putArray("finding_ids");
    for (DigestItem i : items) {
      if (bytes(body) > MAX_EVENT_BYTES / 2) {
        d.put("findings_omitted", items.size() - ids.size());
        break;
      }
      lines.add(capped(i.line()));
      ids.add(i.findingId());
    }
    body.put("client", "Leaverwatch");
    return body;
  }

  /** CRITICAL→critical, HIGH→error, MEDIUM→warning, LOW (and INFO)→info. */
  public static String severity(Severity s) {
    switch (s) {
      case CRITICAL:
        return "critical";
      case HIGH:
        return "error";
      case MEDIUM:
        return "warning";
      default:
        return "info";
    }
  }

  private static Severity parse(String s) {
    try {
      return Severity.valueOf(s);
    } catch (RuntimeException e) {
      return Severity.INFO;
    }
  }

  private static void putIfSet(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, capped(value));
    }
  }

  private static String capped(String s) {
    return Text.cap(s, MAX_FIELD);
  }

  static int bytes(ObjectNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
