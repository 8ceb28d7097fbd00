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
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays an incident's event template (a native event holding the fields that make the incident,
 * with placeholders) into the full native event: placeholders are filled in the order they appear,
 * then the source's builder adds the envelope, so a template plays exactly what the builder calls
 * it stands for would.
 */
final class IncidentEvents {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{|\\}\\}|\\{([a-z_.]+)(?::([^{}]*))?\\}");
  static final Pattern REPO_TERM = Pattern.compile("(\\d*)([iv]?)");

  /** A person as a CloudTrail caller: {@code {leaver.as_console_session:20m}}. */
  static final List<String> CALLERS =
      List.of(
          "as_iam_user",
          "as_iam_user_with_key",
          "as_console_session",
          "as_sso_session",
          "as_aws_caller");

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
