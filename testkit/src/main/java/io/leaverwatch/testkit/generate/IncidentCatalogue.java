package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the generator's incidents ({@code incidents/incidents.yaml} on the class path) and holds
 * them to their shape: every problem fails with {@code file:line: field: reason}, at load, before
 * anything is generated.
 */
final class IncidentCatalogue {
  static final String RESOURCE = "incidents/incidents.yaml";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> INCIDENT_FIELDS =
      Set.of("id", "description", "needs", "expect", "offboarding", "when", "events", "variants");
  private static final Set<String> EVENT_FIELDS =
      Set.of("at", "repeat", "every", "okta", "github", "cloudtrail", "grant");

  private final String file;
  private final Map<JsonNode, Integer> lineOfNode = new IdentityHashMap<>();
  private final Map<JsonNode, Map<String, Integer>> lineOfField = new IdentityHashMap<>();

  private IncidentCatalogue(String file) {
    this.file = file;
  }

  /** The incidents on the class path, in the order they are handed out. */
  static List<Incident> load() {
    try (InputStream in = IncidentCatalogue.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IncidentFileException(RESOURCE + ":1: file is missing from the class path");
      }
      return parse(RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IncidentFileException(RESOURCE + ":1: cannot read: " + e.getMessage());
    }
  }

  /** Parses and checks {@code text}, naming {@code file} in errors. */
  static List<Incident> parse(String file, String text) {
    return new IncidentCatalogue(file).read(text);
  }

  // ---------------------------------------------------------------- reading with line numbers

  private List<Incident> read(String text) {
    JsonNode root;
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      if (p.nextToken() == null) {
        throw new IncidentFileException(file + ":1: incidents: is required");
      }
      root = tree(p);
    } catch (IOException e) {
      int line = 1;
      if (e instanceof JsonProcessingException j && j.getLocation() != null) {
        line = Math.max(1, j.getLocation().getLineNr());
      }
      throw new IncidentFileException(
          file + ":" + line + ": (syntax): " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!root.isObject()) {
      throw error(root, null, "(root)", "must be a mapping with 'incidents'");
    }
    unknownFields(root, Set.of("incidents"), "");
    JsonNode list = root.get("incidents");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw error(root, "incidents", "incidents", "must be a non-empty list");
    }
    List<Incident> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Incident inc = incident(list.get(i), "incidents[" + i + "]");
      if (!ids.add(inc.id())) {
        throw error(list.get(i), "id", "incidents[" + i + "].id", "'" + inc.id() + "' twice");
      }
      out.add(inc);
    }
    return List.copyOf(out);
  }

  /** Builds the tree from the parser's current token, recording where each node and field is. */
  private JsonNode tree(JsonParser p) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    JsonToken t = p.currentToken();
    JsonNode n;
    if (t == JsonToken.START_OBJECT) {
      ObjectNode o = F.objectNode();
      Map<String, Integer> fields = new HashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        fields.put(name, p.currentTokenLocation().getLineNr());
        p.nextToken();
        o.set(name, tree(p));
      }
      lineOfField.put(o, fields);
      n = o;
    } else if (t == JsonToken.START_ARRAY) {
      ArrayNode a = F.arrayNode();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        a.add(tree(p));
      }
      n = a;
    } else if (t == JsonToken.VALUE_STRING) {
      n = F.textNode(p.getText());
    } else if (t == JsonToken.VALUE_NUMBER_INT) {
      n = F.numberNode(p.getLongValue());
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      n = F.numberNode(p.getDecimalValue());
    } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      n = F.booleanNode(t == JsonToken.VALUE_TRUE);
    } else {
      n = F.nullNode();
    }
    if (n.isContainerNode()) {
      lineOfNode.put(n, line);
    }
    return n;
  }

  private int line(JsonNode parent, String field) {
    Map<String, Integer> fields = lineOfField.get(parent);
    if (field != null && fields != null && fields.containsKey(field)) {
      return fields.get(field);
    }
    return lineOfNode.getOrDefault(parent, 1);
  }

  IncidentFileException error(JsonNode parent, String field, String path, String reason) {
    return new IncidentFileException(
        file + ":" + line(parent, field) + ": " + path + ": " + reason);
  }

  private void unknownFields(JsonNode o, Set<String> known, String path) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw error(
            o,
            f,
            path + (path.isEmpty() ? "" : ".") + f,
            "unknown field; known: " + new TreeSet<>(known));
      }
    }
  }

  // ---------------------------------------------------------------- the shape

  private Incident incident(JsonNode n, String path) {
    if (!n.isObject()) {
      throw error(n, null, path, "must be a mapping");
    }
    unknownFields(n, INCIDENT_FIELDS, path);
    String id = text(n, "id", path);
    if (!id.matches("[A-Z][A-Z0-9_]*")) {
      throw error(n, "id", path + ".id", "'" + id + "' must be UPPER_SNAKE_CASE");
    }
    String description = text(n, "description", path);
    Incident.Need need = enumOf(Incident.Need.class, n, "needs", path, true);
    List<Incident.Expected> expected = expected(n, path);
    Incident.Offboarding off = offboarding(n, path);
    List<List<Incident.Event>> variants = new ArrayList<>();
    if (n.has("events") && n.has("variants")) {
      throw error(n, "variants", path + ".variants", "give events or variants, not both");
    }
    if (n.has("events")) {
      variants.add(events(n.get("events"), n, "events", path + ".events"));
    } else if (n.has("variants")) {
      JsonNode vs = n.get("variants");
      if (!vs.isArray() || vs.isEmpty()) {
        throw error(n, "variants", path + ".variants", "must be a non-empty list of event lists");
      }
      for (int i = 0; i < vs.size(); i++) {
        variants.add(events(vs.get(i), vs, null, path + ".variants[" + i + "]"));
      }
    }
    boolean hasEvents = !variants.isEmpty();
    Incident.When when = enumOf(Incident.When.class, n, "when", path, hasEvents);
    if (!hasEvents && when != null) {
      throw error(n, "when", path + ".when", "an incident without events has no 'when'");
    }
    return new Incident(id, description, need, expected, off, when, variants);
  }

  private List<Incident.Expected> expected(JsonNode n, String path) {
    JsonNode list = n.get("expect");
    if (list == null || !list.isArray()) {
      throw error(n, "expect", path + ".expect", "is required: a list of {type, source}, or []");
    }
    List<Incident.Expected> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      String p = path + ".expect[" + i + "]";
      if (!e.isObject()) {
        throw error(list, null, p, "must be a mapping {type, source}");
      }
      unknownFields(e, Set.of("type", "source"), p);
      String type = text(e, "type", p);
      if (!type.matches("[A-Z][A-Z_]*")) {
        throw error(e, "type", p + ".type", "'" + type + "' is not a finding type");
      }
      String source = e.has("source") ? text(e, "source", p) : null;
      if (source != null && !Set.of("OKTA", "GITHUB", "CLOUDTRAIL", "DYNAMODB").contains(source)) {
        throw error(
            e,
            "source",
            p + ".source",
            "'" + source + "'; known: OKTA, GITHUB, CLOUDTRAIL, DYNAMODB");
      }
      out.add(new Incident.Expected(type, source));
    }
    return List.copyOf(out);
  }

  private Incident.Offboarding offboarding(JsonNode n, String path) {
    JsonNode o = n.get("offboarding");
    if (o == null) {
      return Incident.Offboarding.DONE;
    }
    String p = path + ".offboarding";
    if (!o.isObject()) {
      throw error(n, "offboarding", p, "must be a mapping");
    }
    unknownFields(o, Set.of("okta", "github", "aws", "departure"), p);
    Incident.Okta okta = enumOf(Incident.Okta.class, o, "okta", p, false);
    Incident.GitHub github = enumOf(Incident.GitHub.class, o, "github", p, false);
    Incident.Aws aws = enumOf(Incident.Aws.class, o, "aws", p, false);
    boolean rescinded = false;
    if (o.has("departure")) {
      if (!"rescinded".equals(o.get("departure").asText())) {
        throw error(o, "departure", p + ".departure", "only 'rescinded' is known");
      }
      rescinded = true;
    }
    return new Incident.Offboarding(
        okta == null ? Incident.Okta.DONE : okta,
        github == null ? Incident.GitHub.DONE : github,
        aws == null ? Incident.Aws.DONE : aws,
        rescinded);
  }

  private List<Incident.Event> events(JsonNode list, JsonNode parent, String field, String path) {
    if (!list.isArray() || list.isEmpty()) {
      throw error(parent, field, path, "must be a non-empty list of events");
    }
    List<Incident.Event> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(event(list.get(i), list, path + "[" + i + "]", i == 0));
    }
    return List.copyOf(out);
  }

  private Incident.Event event(JsonNode e, JsonNode list, String path, boolean first) {
    if (!e.isObject()) {
      throw error(list, null, path, "must be a mapping");
    }
    unknownFields(e, EVENT_FIELDS, path);
    ClockExpression at = clock(e, "at", path, true);
    if (first && at.anchor() == ClockExpression.Anchor.PREVIOUS) {
      throw error(e, "at", path + ".at", "the first event has no previous one");
    }
    ClockExpression every = e.has("every") ? clock(e, "every", path, false) : null;
    int repeat = 1;
    if (e.has("repeat")) {
      JsonNode r = e.get("repeat");
      if (!r.isIntegralNumber() || r.asInt() < 1 || r.asInt() > 100) {
        throw error(e, "repeat", path + ".repeat", "must be a whole number from 1 to 100");
      }
      repeat = r.asInt();
      if (every == null && repeat > 1) {
        throw error(e, "repeat", path + ".repeat", "needs 'every' to space the repetitions");
      }
    }
    List<String> sources = new ArrayList<>();
    for (String s : List.of("okta", "github", "cloudtrail")) {
      if (e.has(s)) {
        sources.add(s);
      }
    }
    if (sources.size() != 1) {
      throw error(e, null, path, "needs exactly one of okta, github, cloudtrail");
    }
    String src = sources.get(0);
    JsonNode template = e.get(src);
    if (!template.isObject()) {
      throw error(e, src, path + "." + src, "must be a native event (a mapping)");
    }
    String tp = path + "." + src;
    Incident.Source source = Incident.Source.valueOf(src.toUpperCase(Locale.ROOT));
    switch (source) {
      case OKTA -> IncidentTemplates.checkOkta(this, (ObjectNode) template, tp);
      case GITHUB -> IncidentTemplates.checkGitHub(this, (ObjectNode) template, tp);
      case CLOUDTRAIL -> IncidentTemplates.checkCloudTrail(this, (ObjectNode) template, tp);
    }
    ObjectNode grant = null;
    if (e.has("grant")) {
      JsonNode g = e.get("grant");
      if (!g.isObject()) {
        throw error(e, "grant", path + ".grant", "must be {identity, system, grant}");
      }
      unknownFields(g, Set.of("identity", "system", "grant"), path + ".grant");
      for (String f : List.of("identity", "system", "grant")) {
        text(g, f, path + ".grant");
      }
      IncidentTemplates.checkValues(this, g, path + ".grant");
      grant = (ObjectNode) g;
    }
    return new Incident.Event(at, repeat, every, source, (ObjectNode) template, grant);
  }

  private ClockExpression clock(JsonNode e, String field, String path, boolean anchored) {
    String text = text(e, field, path);
    try {
      return ClockExpression.parse(text, anchored);
    } catch (IllegalArgumentException x) {
      throw error(e, field, path + "." + field, x.getMessage());
    }
  }

  String text(JsonNode o, String field, String path) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw error(o, field, path + "." + field, "is required");
    }
    if (!v.isTextual() && !v.isNumber() || v.asText().isBlank()) {
      throw error(o, field, path + "." + field, "must be a non-empty text");
    }
    return v.asText();
  }

  private <E extends Enum<E>> E enumOf(
      Class<E> type, JsonNode o, String field, String path, boolean required) {
    if (!o.has(field)) {
      if (required) {
        throw error(o, field, path + "." + field, "is required");
      }
      return null;
    }
    String v = text(o, field, path);
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException x) {
      List<String> known = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        known.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw error(o, field, path + "." + field, "'" + v + "'; known: " + known);
    }
  }

  /** A problem in the incidents file, as {@code file:line: field: reason}. */
  static final class IncidentFileException extends IllegalArgumentException {
    IncidentFileException(String message) {
      super(message);
    }
  }
}
