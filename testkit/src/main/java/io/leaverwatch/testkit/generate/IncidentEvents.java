package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.testkit.generate.OktaEvents.Entity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an incident's event template (a native event holding the fields that make the incident,
 * with placeholders) into the full native event: placeholders are filled in the order they appear,
 * then the source's builder adds the envelope, so a template plays exactly what the builder calls
 * it stands for would.
 */
final class IncidentEvents {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{|\\}\\}|\\{([a-z_.]+)(?::([^{}]*))?\\}");
  private static final Pattern REPO_TERM = Pattern.compile("(\\d*)([iv]?)");

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

  /** A person as a CloudTrail caller: {@code {leaver.as_console_session:20m}}. */
  private static final List<String> CALLERS =
      List.of(
          "as_iam_user",
          "as_iam_user_with_key",
          "as_console_session",
          "as_sso_session",
          "as_aws_caller");

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

  private IncidentEvents() {}

  /** What placeholders are filled from, for one occurrence of one incident. */
  interface Cast {
    Person leaver();

    /** An administrator, drawn at the first use in the incident. */
    Person admin();

    /** An IP nobody used, one per incident. */
    String freshIp();

    /** A new GitHub token id, drawn at the first use in the incident. */
    long newTokenId();

    /** A new IAM access key id, drawn at the first use in the incident. */
    String newAccessKey();

    /** The CloudTrail caller a placeholder names, made at its first use in the incident. */
    ObjectNode caller(String placeholder, Supplier<ObjectNode> make);

    /** The time of the event being played. */
    long eventTime();

    /** Where the previous event left the clock (Long.MIN_VALUE before the first). */
    long previousTime();

    String domain();

    SplittableRandom rng();

    /** The occurrence of the incident (0, 1, ...). */
    int variant();

    /** The repetition of the event (0, 1, ...). */
    int repetition();
  }

  // ---------------------------------------------------------------- checks at load

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
      boolean lifecycle = kind(type, result.equals("SUCCESS")).uri().contains("%s");
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

  /** The CloudTrail record the template stands for, at {@code t}. */
  static ObjectNode cloudTrail(ObjectNode template, Cast c, long t) {
    ObjectNode r = (ObjectNode) resolve(template, c);
    ObjectNode who = (ObjectNode) r.get("userIdentity");
    String source = r.get("eventSource").asText();
    String name = r.get("eventName").asText();
    String region = r.get("awsRegion").asText();
    String ip = r.get("sourceIPAddress").asText();
    String ua = r.get("userAgent").asText();
    if (name.equals("ConsoleLogin")) {
      boolean success = r.get("responseElements").get("ConsoleLogin").asText().equals("Success");
      return CloudTrailEvents.consoleLogin(c.rng(), t, who, ip, ua, success);
    }
    if (source.equals("dynamodb.amazonaws.com")) {
      String table = r.get("requestParameters").get("tableName").asText();
      return CloudTrailEvents.dynamoDb(c.rng(), t, who, name, table, region, ip, ua);
    }
    JsonNode req = r.get("requestParameters");
    JsonNode resp = r.get("responseElements");
    return CloudTrailEvents.apiCall(
        c.rng(),
        t,
        who,
        source,
        name,
        region,
        ip,
        ua,
        req.isNull() ? null : (ObjectNode) req,
        resp.isNull() ? null : (ObjectNode) resp,
        null,
        null,
        r.get("readOnly").asBoolean());
  }

  /** Whether a CloudTrail template is a DynamoDB data event (its own file source). */
  static boolean isDynamoDb(ObjectNode template) {
    return template.path("eventSource").asText().equals("dynamodb.amazonaws.com");
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
    Matcher m = PLACEHOLDER.matcher(s);
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
            || !PERSON_FIELDS.contains(field) && !CALLERS.contains(field)) {
          return "unknown placeholder {"
              + name
              + "}; a person's fields: "
              + PERSON_FIELDS
              + ", as a caller: "
              + CALLERS;
        }
        if (CALLERS.contains(field)) {
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
      Matcher m = REPO_TERM.matcher(term.strip());
      if (term.isBlank() || !m.matches()) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- playing

  /** The Okta LogEvent the template stands for, at {@code t}. */
  static ObjectNode okta(ObjectNode template, Cast c, long t) {
    ObjectNode r = (ObjectNode) resolve(template, c);
    JsonNode outcome = r.get("outcome");
    boolean success = outcome.get("result").asText().equals("SUCCESS");
    OktaEvents.Kind kind = kind(r.get("eventType").asText(), success);
    JsonNode client = r.get("client");
    List<Entity> targets = null;
    if (r.has("target")) {
      targets = new ArrayList<>();
      for (JsonNode x : r.get("target")) {
        targets.add(entityOf(x));
      }
    }
    return OktaEvents.event(
        c.rng(),
        t,
        kind,
        entityOf(r.get("actor")),
        client.get("ipAddress").asText(),
        client.get("userAgent").get("rawUserAgent").asText(),
        success,
        outcome.hasNonNull("reason") ? outcome.get("reason").asText() : null,
        targets,
        targets != null && kind.uri().contains("%s") ? targets.get(0).id() : null);
  }

  /** The GitHub audit log entry the template stands for, at {@code t}. */
  static ObjectNode github(ObjectNode template, Cast c, long t) {
    ObjectNode r = (ObjectNode) resolve(template, c);
    Person actor = template.get("actor").asText().equals("{admin}") ? c.admin() : c.leaver();
    ObjectNode e =
        GitHubEvents.byPerson(
            c.rng(),
            t,
            r.get("action").asText(),
            actor,
            r.get("actor_ip").asText(),
            r.get("user_agent").asText());
    for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      switch (f.getKey()) {
        case "action", "actor", "actor_ip", "user_agent" -> {}
        default -> e.set(f.getKey(), f.getValue());
      }
    }
    return e;
  }

  /** The template's values filled in, in the order they appear. */
  static JsonNode resolve(JsonNode n, Cast c) {
    if (n.isObject()) {
      ObjectNode o = F.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        o.set(e.getKey(), resolve(e.getValue(), c));
      }
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = F.arrayNode();
      for (JsonNode x : n) {
        a.add(resolve(x, c));
      }
      return a;
    }
    if (!n.isTextual()) {
      return n;
    }
    String s = n.asText();
    Matcher m = PLACEHOLDER.matcher(s);
    if (m.matches() && m.group(1) != null) {
      return value(m.group(1), m.group(2), c);
    }
    StringBuilder out = new StringBuilder();
    int last = 0;
    m.reset();
    while (m.find()) {
      out.append(s, last, m.start());
      out.append(
          m.group(1) == null ? m.group().substring(1) : value(m.group(1), m.group(2), c).asText());
      last = m.end();
    }
    out.append(s.substring(last));
    return F.textNode(out.toString());
  }

  private static JsonNode value(String name, String arg, Cast c) {
    switch (name) {
      case "leaver":
        return entityNode(Entity.user(c.leaver()));
      case "admin":
        return entityNode(Entity.user(c.admin()));
      case "app":
        return entityNode(OktaEvents.appNamed(arg));
      case "fresh_ip":
        return F.textNode(c.freshIp());
      case "domain":
        return F.textNode(c.domain());
      case "new_token_id":
        return F.numberNode(c.newTokenId());
      case "new_access_key":
        return F.textNode(c.newAccessKey());
      case "create_date":
        return F.textNode(CloudTrailEvents.createDate(c.eventTime()));
      case "uuid":
        return F.textNode(Ids.uuid(c.rng()));
      case "alnum":
        return F.textNode(Ids.alnum(c.rng(), Integer.parseInt(arg)));
      case "upper_alnum":
        return F.textNode(Ids.upperAlnum(c.rng(), Integer.parseInt(arg)));
      case "int":
        int plus = arg.indexOf('+');
        return F.numberNode(
            Integer.parseInt(arg.substring(0, plus))
                + c.rng().nextInt(Integer.parseInt(arg.substring(plus + 1))));
      case "repo":
        return F.textNode(repo(arg, c));
      case "repo_id":
        return F.numberNode(GitHubEvents.repoId(repo(arg, c)));
      default:
        int dot = name.indexOf('.');
        Person p = name.startsWith("admin.") ? c.admin() : c.leaver();
        String field = name.substring(dot + 1);
        if (CALLERS.contains(field)) {
          String key = "{" + name + (arg == null ? "" : ":" + arg) + "}";
          return c.caller(key, () -> caller(p, field, arg, c)).deepCopy();
        }
        return personField(p, field);
    }
  }

  private static JsonNode personField(Person p, String field) {
    return switch (field) {
      case "home_ip" -> F.textNode(p.homeIp());
      case "office_ip" -> F.textNode(p.officeIp());
      case "browser" -> F.textNode(p.browserAgent());
      case "email" -> F.textNode(p.email());
      case "okta_id" -> F.textNode(p.oktaId());
      case "github_login" -> F.textNode(p.githubLogin());
      case "github_id" -> F.numberNode(p.githubActorId());
      case "pat_hash" -> F.textNode(p.patHash());
      case "pat_token_id" -> F.numberNode(p.patTokenId());
      case "iam_user_name" -> F.textNode(p.iamUserName());
      default -> throw new IllegalStateException("unchecked person field " + field);
    };
  }

  private static ObjectNode caller(Person p, String field, String start, Cast c) {
    long since = 0;
    if (start != null) {
      since =
          start.equals("previous")
              ? c.previousTime()
              : c.eventTime() - ClockExpression.parse(start, false).evaluate(a -> 0L, c.rng());
    }
    return switch (field) {
      case "as_iam_user" -> CloudTrailEvents.iamUser(p, null);
      case "as_iam_user_with_key" -> CloudTrailEvents.iamUser(p, p.accessKeyIds().get(0));
      case "as_console_session" -> CloudTrailEvents.iamConsoleUser(c.rng(), p, since);
      case "as_sso_session" -> CloudTrailEvents.ssoSession(c.rng(), p.email(), since);
      default ->
          p.hasIamUser()
              ? CloudTrailEvents.iamUser(p, p.accessKeyIds().get(0))
              : CloudTrailEvents.ssoSession(c.rng(), p.email(), since);
    };
  }

  private static String repo(String expr, Cast c) {
    long index = 0;
    for (String term : expr.split("\\+")) {
      Matcher m = REPO_TERM.matcher(term.strip());
      m.matches();
      long factor = m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1));
      index +=
          switch (m.group(2)) {
            case "i" -> factor * c.repetition();
            case "v" -> factor * c.variant();
            default -> factor;
          };
    }
    return GitHubEvents.REPOS[(int) (index % GitHubEvents.REPOS.length)];
  }

  private static ObjectNode entityNode(Entity e) {
    ObjectNode o = F.objectNode();
    o.put("id", e.id());
    o.put("type", e.type());
    o.put("alternateId", e.alternateId());
    o.put("displayName", e.displayName());
    return o;
  }

  private static Entity entityOf(JsonNode o) {
    return new Entity(
        o.get("id").asText(),
        o.get("type").asText(),
        o.get("alternateId").asText(),
        o.get("displayName").asText());
  }

  /**
   * The builder's kind of an event type; where one type has a kind for success and one for failure
   * (sign-in), the legacy type ending in {@code _failed} is the failure's.
   */
  static OktaEvents.Kind kind(String eventType, boolean success) {
    List<OktaEvents.Kind> candidates = new ArrayList<>();
    for (OktaEvents.Kind k : OktaEvents.KINDS) {
      if (k.eventType().equals(eventType)) {
        candidates.add(k);
      }
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    for (OktaEvents.Kind k : candidates) {
      if (k.legacyEventType().endsWith("_failed") != success) {
        return k;
      }
    }
    throw new IllegalStateException("no Okta kind for " + eventType);
  }
}
