package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The shape of an incident's event templates, checked when the incidents file is read: the fields
 * each source's builder takes, and placeholders the generator fills ({@link IncidentEvents} plays
 * them). A problem is a {@code file:line: field: reason} error of the {@link IncidentCatalogue}.
 */
final class IncidentTemplates {
  private static final List<String> PERSON_FIELDS =
      List.of(
          "home_ip",
          "office_ip",
          "browser",
          "email",
          "okta_id",
          "github_login",
          "github_id",
          "pat_hash",
          "pat_token_id",
          "iam_user_name");

  private static final Set<String> PEOPLE = Set.of("leaver", "admin");

  private static final List<String> VALUES =
      List.of(
          "fresh_ip",
          "domain",
          "new_token_id",
          "new_access_key",
          "create_date",
          "uuid",
          "alnum",
          "upper_alnum",
          "int",
          "repo",
          "repo_id");

  /** What the GitHub builder sets itself; a template must not set them too. */
  private static final Set<String> GITHUB_ENVELOPE =
      Set.of(
          "@timestamp",
          "_document_id",
          "actor_id",
          "actor_is_bot",
          "actor_location",
          "created_at",
          "operation_type",
          "org",
          "org_id",
          "external_identity_nameid",
          "external_identity_username");

  private IncidentTemplates() {}

  static void checkOkta(IncidentCatalogue c, ObjectNode t, String path) {
    only(c, t, Set.of("eventType", "actor", "client", "outcome", "target"), path, "Okta");
    String type = c.text(t, "eventType", path);
    if (OktaEvents.KINDS.stream().noneMatch(k -> k.eventType().equals(type))) {
      List<String> known = new ArrayList<>();
      OktaEvents.KINDS.forEach(k -> known.add(k.eventType()));
      throw c.error(
          t, "eventType", path + ".eventType", "'" + type + "' has no builder; known: " + known);
    }
    entity(c, t, "actor", t.get("actor"), path + ".actor");
    JsonNode client = t.get("client");
    if (client == null || !client.isObject()) {
      throw c.error(t, "client", path + ".client", "is required: {ipAddress, userAgent}");
    }
    only(c, client, Set.of("ipAddress", "userAgent"), path + ".client", "Okta");
    c.text(client, "ipAddress", path + ".client");
    JsonNode ua = client.get("userAgent");
    if (ua == null || !ua.isObject()) {
      throw c.error(client, "userAgent", path + ".client.userAgent", "is required: {rawUserAgent}");
    }
    only(c, ua, Set.of("rawUserAgent"), path + ".client.userAgent", "Okta");
    c.text(ua, "rawUserAgent", path + ".client.userAgent");
    JsonNode outcome = t.get("outcome");
    if (outcome == null || !outcome.isObject()) {
      throw c.error(t, "outcome", path + ".outcome", "is required: {result, reason}");
    }
    only(c, outcome, Set.of("result", "reason"), path + ".outcome", "Okta");
    String result = c.text(outcome, "result", path + ".outcome");
    if (!result.equals("SUCCESS") && !result.equals("FAILURE")) {
      throw c.error(
          outcome, "result", path + ".outcome.result", "'" + result + "'; SUCCESS or FAILURE");
    }
    JsonNode targets = t.get("target");
    if (targets != null) {
      if (!targets.isArray() || targets.isEmpty()) {
        throw c.error(t, "target", path + ".target", "must be a non-empty list");
      }
      for (int i = 0; i < targets.size(); i++) {
        entity(c, targets, null, targets.get(i), path + ".target[" + i + "]");
      }
      boolean lifecycle = IncidentEvents.kind(type, result.equals("SUCCESS")).uri().contains("%s");
      if (lifecycle && !targets.get(0).isTextual()) {
        throw c.error(
            t, "target", path + ".target[0]", "names the user in the request path: {leaver}");
      }
    }
    checkValues(c, t, path);
  }

  static void checkGitHub(IncidentCatalogue c, ObjectNode t, String path) {
    for (String f : List.of("action", "actor", "actor_ip", "user_agent")) {
      c.text(t, f, path);
    }
    String actor = t.get("actor").asText();
    if (!actor.equals("{leaver}") && !actor.equals("{admin}")) {
      throw c.error(t, "actor", path + ".actor", "'" + actor + "'; {leaver} or {admin}");
    }
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (GITHUB_ENVELOPE.contains(f)) {
        throw c.error(t, f, path + "." + f, "the GitHub builder sets it; leave it out");
      }
    }
    checkValues(c, t, path);
  }

  static void checkCloudTrail(IncidentCatalogue c, ObjectNode t, String path) {
    only(
        c,
        t,
        Set.of(
            "eventSource",
            "eventName",
            "awsRegion",
            "userIdentity",
            "sourceIPAddress",
            "userAgent",
            "requestParameters",
            "responseElements",
            "readOnly"),
        path,
        "CloudTrail");
    for (String f :
        List.of("eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent")) {
      c.text(t, f, path);
    }
    String caller = c.text(t, "userIdentity", path);
    if (!caller.matches("\\{(leaver|admin)\\.as_[a-z_]+(:[^{}]*)?\\}")) {
      throw c.error(
          t,
          "userIdentity",
          path + ".userIdentity",
          "'" + caller + "'; a caller placeholder such as {leaver.as_iam_user}");
    }
    String source = t.get("eventSource").asText();
    String name = t.get("eventName").asText();
    if (name.equals("ConsoleLogin")) {
      JsonNode r = t.path("responseElements").path("ConsoleLogin");
      if (!r.asText().equals("Success") && !r.asText().equals("Failure")) {
        throw c.error(
            t,
            "responseElements",
            path + ".responseElements.ConsoleLogin",
            "is required: Success or Failure");
      }
      for (String f : List.of("requestParameters", "readOnly")) {
        if (t.has(f)) {
          throw c.error(t, f, path + "." + f, "the ConsoleLogin builder sets it; leave it out");
        }
      }
    } else if (source.equals("dynamodb.amazonaws.com")) {
      JsonNode req = t.get("requestParameters");
      if (req == null || !req.isObject() || req.size() != 1 || !req.has("tableName")) {
        throw c.error(
            t,
            "requestParameters",
            path + ".requestParameters",
            "a DynamoDB data event names only its table: {tableName}; the builder writes the rest");
      }
      for (String f : List.of("responseElements", "readOnly")) {
        if (t.has(f)) {
          throw c.error(t, f, path + "." + f, "the DynamoDB builder sets it; leave it out");
        }
      }
    } else {
      for (String f : List.of("requestParameters", "responseElements")) {
        if (!t.has(f) || !(t.get(f).isObject() || t.get(f).isNull())) {
          throw c.error(t, f, path + "." + f, "is required: a mapping or null");
        }
      }
      if (!t.has("readOnly") || !t.get("readOnly").isBoolean()) {
        throw c.error(t, "readOnly", path + ".readOnly", "is required: true or false");
      }
    }
    checkValues(c, t, path);
  }

  private static void only(
      IncidentCatalogue c, JsonNode o, Set<String> known, String path, String source) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw c.error(
            o,
            f,
            path + "." + f,
            "not a field the "
                + source
                + " builder takes (it fills the rest of the envelope); known: "
                + new java.util.TreeSet<>(known));
      }
    }
  }

  private static void entity(
      IncidentCatalogue c, JsonNode parent, String field, JsonNode v, String path) {
    if (v == null) {
      throw c.error(parent, field, path, "is required");
    }
    if (v.isTextual()) {
      String s = v.asText();
      if (!s.equals("{leaver}") && !s.equals("{admin}") && !s.startsWith("{app:")) {
        throw c.error(
            parent,
            field,
            path,
            "'" + s + "'; {leaver}, {admin}, {app:NAME} or {id, type, alternateId, displayName}");
      }
      if (s.startsWith("{app:")) {
        try {
          OktaEvents.appNamed(s.substring(5, s.length() - 1));
        } catch (IllegalArgumentException e) {
          throw c.error(parent, field, path, e.getMessage());
        }
      }
      return;
    }
    if (!v.isObject()) {
      throw c.error(parent, field, path, "must be a placeholder or an Okta actor mapping");
    }
    only(c, v, Set.of("id", "type", "alternateId", "displayName"), path, "Okta");
    for (String f : List.of("id", "type", "alternateId", "displayName")) {
      c.text(v, f, path);
    }
  }

  /** Every placeholder in the strings under {@code n} is one the generator fills. */
  static void checkValues(IncidentCatalogue c, JsonNode n, String path) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path + "." + e.getKey();
        if (e.getValue().isTextual()) {
          String reason = placeholderProblem(e.getValue().asText());
          if (reason != null) {
            throw c.error(n, e.getKey(), p, reason);
          }
        } else {
          checkValues(c, e.getValue(), p);
        }
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        JsonNode v = n.get(i);
        String p = path + "[" + i + "]";
        if (v.isTextual()) {
          String reason = placeholderProblem(v.asText());
          if (reason != null) {
            throw c.error(n, null, p, reason);
          }
        } else {
          checkValues(c, v, p);
        }
      }
    }
  }

  private static String placeholderProblem(String s) {
    Matcher m = IncidentEvents.PLACEHOLDER.matcher(s);
    int last = 0;
    while (m.find()) {
      if (s.substring(last, m.start()).contains("{")
          || s.substring(last, m.start()).contains("}")) {
        return "a lone brace in '" + s + "' (write {{ or }} for a literal one)";
      }
      last = m.end();
      String name = m.group(1);
      if (name == null) {
        continue;
      }
      String arg = m.group(2);
      boolean whole = m.start() == 0 && m.end() == s.length();
      if (PEOPLE.contains(name) || name.equals("app")) {
        if (!whole) {
          return "{" + name + "} stands for a whole actor or target, not part of a text";
        }
        continue;
      }
      int dot = name.indexOf('.');
      if (dot > 0) {
        String field = name.substring(dot + 1);
        if (!PEOPLE.contains(name.substring(0, dot))
            || !PERSON_FIELDS.contains(field) && !IncidentEvents.CALLERS.contains(field)) {
          return "unknown placeholder {"
              + name
              + "}; a person's fields: "
              + PERSON_FIELDS
              + ", as a caller: "
              + IncidentEvents.CALLERS;
        }
        if (IncidentEvents.CALLERS.contains(field)) {
          if (!whole) {
            return "{" + name + "} stands for a whole userIdentity, not part of a text";
          }
          boolean timed = !field.equals("as_iam_user") && !field.equals("as_iam_user_with_key");
          if (timed && (arg == null || !validStart(arg))) {
            return "{" + name + ":START} needs START, a duration before the event or previous";
          }
          if (!timed && arg != null) {
            return "{" + name + "} takes no argument";
          }
        } else if (arg != null) {
          return "{" + name + "} takes no argument";
        }
        continue;
      }
      if (!VALUES.contains(name)) {
        return "unknown placeholder {" + name + "}; known: " + VALUES + ", leaver.X, admin.X";
      }
      if (name.endsWith("alnum") && (arg == null || !arg.matches("[1-9]\\d?"))) {
        return "{" + name + ":N} needs a length N from 1 to 99";
      }
      if (name.equals("int") && (arg == null || !arg.matches("\\d{1,9}\\+[1-9]\\d{0,8}"))) {
        return "{int:A+N} needs A and N >= 1, e.g. {int:1+250}";
      }
      if (name.startsWith("repo") && (arg == null || !validRepoIndex(arg))) {
        return "{" + name + ":EXPR} needs EXPR like 5i+v or 3";
      }
    }
    String rest = s.substring(last);
    if (rest.contains("{") || rest.contains("}")) {
      return "a lone brace in '" + s + "' (write {{ or }} for a literal one)";
    }
    return null;
  }

  private static boolean validStart(String arg) {
    if (arg.equals("previous")) {
      return true;
    }
    try {
      return ClockExpression.parse(arg, false).terms().size() == 1;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean validRepoIndex(String expr) {
    for (String term : expr.split("\\+", -1)) {
      Matcher m = IncidentEvents.REPO_TERM.matcher(term.strip());
      if (term.isBlank() || !m.matches()) {
        return false;
      }
    }
    return true;
  }
}
