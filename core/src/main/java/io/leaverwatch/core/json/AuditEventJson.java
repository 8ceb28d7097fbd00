package io.leaverwatch.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link AuditEvent} as one line of JSON and back: the schema's snake_case names in schema order,
 * {@code event_time} as ISO-8601 UTC with milliseconds, enums as their names, {@code raw} embedded
 * as a JSON value (not an escaped string). The same event always gives the same bytes.
 */
public final class AuditEventJson {
  private static final DateTimeFormatter MILLIS_UTC =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .appendFraction(ChronoField.MILLI_OF_SECOND, 3, 3, true)
          .appendLiteral('Z')
          .toFormatter(Locale.ROOT)
          .withZone(java.time.ZoneOffset.UTC);

  private AuditEventJson() {}

  /** One line of JSON, without a trailing newline. */
  public static String write(AuditEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + rawLength(event));
    write(event, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Writes one event (no newline) to {@code out}; the stream is left open. */
  public static void write(AuditEvent event, java.io.OutputStream out) {
    try (JsonGenerator g =
        Json.factory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
      g.writeStartObject();
      g.writeStringField("event_id", event.getEventId());
      g.writeStringField("source", name(event.getSource()));
      g.writeStringField("event_time", formatTime(event.getEventTime()));
      g.writeStringField("action", event.getAction());
      g.writeStringField("action_class", name(event.getActionClass()));
      g.writeFieldName("actor");
      writePrincipal(g, event.getActor());
      g.writeArrayFieldStart("targets");
      if (event.getTargets() != null) {
        for (Principal p : event.getTargets()) {
          writePrincipal(g, p);
        }
      }
      g.writeEndArray();
      g.writeObjectFieldStart("outcome");
      Outcome o = event.getOutcome();
      g.writeStringField("result", o == null ? "UNKNOWN" : name(o.getResult()));
      g.writeStringField("reason", o == null ? null : o.getReason());
      g.writeEndObject();
      g.writeStringField("source_ip", event.getSourceIp());
      g.writeStringField("user_agent", event.getUserAgent());
      g.writeStringField("resource", event.getResource());
      g.writeStringField("account", event.getAccount());
      g.writeStringField("region", event.getRegion());
      g.writeFieldName("raw");
      String raw = event.getRaw();
      if (raw != null && looksLikeJsonContainer(raw)) {
        g.writeRawValue(raw);
      } else {
        g.writeString(raw);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String formatTime(Instant t) {
    return t == null ? null : MILLIS_UTC.format(t);
  }

  /** Parses one line written by {@link #write}; a problem names the field. */
  public static AuditEvent read(String line) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
    return read(node);
  }

  /** Reads an event from its JSON tree; throws IllegalArgumentException naming the bad field. */
  public static AuditEvent read(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("an AuditEvent must be a JSON object");
    }
    AuditEvent e = new AuditEvent();
    e.setEventId(required(n, "event_id"));
    e.setSource(enumValue(Source.class, n, "source", null));
    String time = required(n, "event_time");
    try {
      e.setEventTime(Instant.parse(time));
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException("field 'event_time': not an ISO-8601 instant: " + time);
    }
    e.setAction(required(n, "action"));
    e.setActionClass(enumValue(ActionClass.class, n, "action_class", null));
    e.setActor(readPrincipal(n.get("actor"), "actor"));
    List<Principal> targets = new ArrayList<>();
    JsonNode t = n.get("targets");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        throw new IllegalArgumentException("field 'targets': expected an array");
      }
      for (int i = 0; i < t.size(); i++) {
        targets.add(readPrincipal(t.get(i), "targets[" + i + "]"));
      }
    }
    e.setTargets(targets);
    JsonNode o = n.get("outcome");
    if (o != null && o.isObject()) {
      e.setOutcome(
          new Outcome(
              enumValue(OutcomeResult.class, o, "result", OutcomeResult.UNKNOWN),
              optional(o, "reason")));
    } else {
      e.setOutcome(new Outcome(OutcomeResult.UNKNOWN, null));
    }
    e.setSourceIp(optional(n, "source_ip"));
    e.setUserAgent(optional(n, "user_agent"));
    e.setResource(optional(n, "resource"));
    e.setAccount(optional(n, "account"));
    e.setRegion(optional(n, "region"));
    JsonNode raw = n.get("raw");
    if (raw == null || raw.isNull()) {
      e.setRaw("{}");
    } else if (raw.isTextual()) {
      e.setRaw(raw.textValue());
    } else {
      try {
        e.setRaw(Json.mapper().writeValueAsString(raw));
      } catch (JsonProcessingException ex) {
        throw new IllegalArgumentException("field 'raw': " + ex.getOriginalMessage(), ex);
      }
    }
    return e;
  }

  private static void writePrincipal(JsonGenerator g, Principal p) throws IOException {
    if (p == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("system", p.getSystem());
    g.writeStringField("kind", p.getKind());
    g.writeStringField("id", p.getId());
    g.writeStringField("login", p.getLogin());
    g.writeStringField("email", p.getEmail());
    g.writeStringField("arn", p.getArn());
    g.writeStringField("access_key_id", p.getAccessKeyId());
    g.writeStringField("type", name(p.getType()));
    g.writeStringField("display_name", p.getDisplayName());
    g.writeEndObject();
  }

  private static Principal readPrincipal(JsonNode p, String field) {
    if (p == null || p.isNull()) {
      return null;
    }
    if (!p.isObject()) {
      throw new IllegalArgumentException("field '" + field + "': expected an object");
    }
    return new Principal(
        required(p, "system", field + ".system"),
        required(p, "kind", field + ".kind"),
        optional(p, "id"),
        optional(p, "login"),
        optional(p, "email"),
        optional(p, "arn"),
        optional(p, "access_key_id"),
        enumValue(PrincipalType.class, p, "type", PrincipalType.UNKNOWN),
        optional(p, "display_name"));
  }

  private static String required(JsonNode n, String name) {
    return required(n, name, name);
  }

  private static String required(JsonNode n, String name, String path) {
    String v = optional(n, name);
    if (v == null) {
      throw new IllegalArgumentException("field '" + path + "': missing");
    }
    return v;
  }

  private static String optional(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException("field '" + name + "': expected a string");
    }
    return v.asText();
  }

  private static <E extends Enum<E>> E enumValue(
      Class<E> type, JsonNode n, String name, E fallback) {
    String v = optional(n, name);
    if (v == null) {
      if (fallback != null) {
        return fallback;
      }
      throw new IllegalArgumentException("field '" + name + "': missing");
    }
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("field '" + name + "': unknown value '" + v + "'");
    }
  }

  private static String name(Enum<?> e) {
    return e == null ? null : e.name();
  }

  private static int rawLength(AuditEvent e) {
    return e.getRaw() == null ? 0 : e.getRaw().length();
  }

  private static boolean looksLikeJsonContainer(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[';
      }
    }
    return false;
  }
}
