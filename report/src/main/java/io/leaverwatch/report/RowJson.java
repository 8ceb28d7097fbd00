package io.leaverwatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Findings and step statuses from their JSON: the lines {@code detect} writes and the documents of
 * the Elasticsearch indices share field names. {@code where} ("file:line" or "index/id") starts
 * every error message.
 */
final class RowJson {
  private RowJson() {}

  static FindingRow finding(JsonNode n, String where) {
    Fields f = new Fields(n, where);
    Map<String, String> details = new TreeMap<>();
    JsonNode d = n.get("details");
    if (d != null && d.isObject()) {
      d.fields().forEachRemaining(e -> details.put(e.getKey(), e.getValue().asText()));
    }
    return new FindingRow(
        f.required("finding_id"),
        f.required("type"),
        f.required("severity"),
        f.required("person_id"),
        f.optional("email"),
        f.optional("source"),
        f.optional("identity"),
        f.optional("action"),
        f.instant("first_seen", true),
        f.instant("last_seen", true),
        f.number("event_count", 0),
        f.strings("event_ids"),
        f.optional("rule_id"),
        f.required("summary"),
        details,
        f.number("revision", 0),
        f.optional("status") == null ? "OPEN" : f.optional("status"),
        f.instant("resolved_at", false),
        f.optional("resolution"));
  }

  static StepRow step(JsonNode n, String where) {
    Fields f = new Fields(n, where);
    JsonNode auto = n.get("completed_by_automation");
    return new StepRow(
        f.required("status_id"),
        f.required("person_id"),
        f.optional("email"),
        f.optional("role"),
        f.required("system"),
        f.optional("identity"),
        f.required("step_id"),
        f.required("status"),
        f.instant("departed_at", true),
        f.instant("deadline", true),
        f.instant("completed_at", false),
        n.hasNonNull("time_to_revoke_ms") ? f.number("time_to_revoke_ms", 0) : null,
        f.strings("evidence_event_ids"),
        f.optional("rule_id"),
        f.optional("detail"),
        f.number("revision", 0),
        f.optional("completed_by"),
        auto == null || auto.isNull() ? null : auto.asBoolean(),
        f.instant("last_activity_at", false),
        f.optional("last_activity_event_id"));
  }

  private record Fields(JsonNode n, String where) {
    String optional(String field) {
      JsonNode v = n.get(field);
      return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    String required(String field) {
      String v = optional(field);
      if (v == null) {
        throw new ReportInputException(where + ": " + field + ": is required");
      }
      return v;
    }

    Instant instant(String field, boolean required) {
      String v = required ? required(field) : optional(field);
      if (v == null) {
        return null;
      }
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw new ReportInputException(
            where + ": " + field + ": '" + v + "' is not an ISO-8601 instant");
      }
    }

    long number(String field, long absent) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        return absent;
      }
      if (!v.canConvertToLong()) {
        throw new ReportInputException(where + ": " + field + ": '" + v + "' is not a number");
      }
      return v.asLong();
    }

    List<String> strings(String field) {
      JsonNode v = n.get(field);
      List<String> out = new ArrayList<>();
      if (v == null || v.isNull()) {
        return out;
      }
      if (!v.isArray()) {
        throw new ReportInputException(where + ": " + field + ": expected an array of strings");
      }
      v.forEach(x -> out.add(x.asText()));
      return out;
    }
  }
}
