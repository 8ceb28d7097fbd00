package io.leaverwatch.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one finding from the JSON {@code detect} writes ({@code RecordJson}: snake_case field
 * names, instants as ISO-8601, enums by name). Fields added by later schema versions have their
 * schema defaults when absent (revision 0, status OPEN), as the Avro reader would give them.
 */
public final class FindingJson {
  private FindingJson() {}

  /** A finding, or an {@link IllegalArgumentException} naming the field that is wrong. */
  public static Finding parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("(top level): expected a JSON object");
    }
    Finding.Builder b = Finding.newBuilder();
    b.setFindingId(required(n, "finding_id"));
    b.setType(enumOf(FindingType.class, n, "type", null));
    b.setSeverity(enumOf(Severity.class, n, "severity", null));
    b.setPersonId(required(n, "person_id"));
    b.setEmail(optional(n, "email"));
    b.setRole(optional(n, "role"));
    b.setSource(n.hasNonNull("source") ? enumOf(Source.class, n, "source", null) : null);
    b.setIdentity(optional(n, "identity"));
    b.setAction(optional(n, "action"));
    Instant last = instant(n, "last_seen", true);
    Instant first = instant(n, "first_seen", false);
    b.setFirstSeen(first == null ? last : first);
    b.setLastSeen(last);
    b.setEventCount(n.path("event_count").asLong(0));
    b.setEventIds(strings(n, "event_ids"));
    b.setDepartedAt(instant(n, "departed_at", false));
    b.setRuleId(required(n, "rule_id"));
    b.setRuleVersion(optional(n, "rule_version"));
    b.setSummary(required(n, "summary"));
    Map<String, String> details = new TreeMap<>();
    JsonNode d = n.get("details");
    if (d != null && d.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = d.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        details.put(e.getKey(), e.getValue().asText());
      }
    }
    b.setDetails(details);
    b.setEvidence(strings(n, "evidence"));
    JsonNode rev = n.get("revision");
    if (rev != null && !rev.isNull() && !rev.canConvertToLong()) {
      throw new IllegalArgumentException("revision: must be a whole number");
    }
    b.setRevision(rev == null || rev.isNull() ? 0 : rev.asLong());
    b.setStatus(
        n.hasNonNull("status")
            ? enumOf(FindingStatus.class, n, "status", null)
            : FindingStatus.OPEN);
    b.setResolvedAt(instant(n, "resolved_at", false));
    b.setResolution(optional(n, "resolution"));
    return b.build();
  }

  private static String required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || !v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(field + ": is required (a non-empty string)");
    }
    return v.asText();
  }

  private static String optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(field + ": is required (an ISO-8601 instant)");
      }
      return null;
    }
    if (v.isNumber()) {
      return Instant.ofEpochMilli(v.asLong());
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          field + ": '" + v.asText() + "' is not an ISO-8601 instant");
    }
  }

  private static List<String> strings(JsonNode n, String field) {
    List<String> out = new ArrayList<>();
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + ": expected a list");
    }
    v.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, JsonNode n, String field, E def) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (def != null) {
        return def;
      }
      throw new IllegalArgumentException(field + ": is required");
    }
    try {
      return Enum.valueOf(type, v.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": '" + v.asText() + "' is not a known value");
    }
  }
}
