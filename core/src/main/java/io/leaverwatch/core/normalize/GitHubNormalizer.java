package io.leaverwatch.core.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * GitHub audit log events (REST API, enterprise audit-log streaming, GitHub Enterprise Server) to
 * {@link AuditEvent}. The {@code actor} did it; {@code user} (and {@code data.old_user}) is the
 * account it was done to.
 */
final class GitHubNormalizer {
  private final ActionClassifier classifier;

  GitHubNormalizer(ActionClassifier classifier) {
    this.classifier = classifier;
  }

  AuditEvent normalize(JsonNode e, Instant receivedAt, EventIds ids) {
    String action = Fields.text(e, "action");
    if (action == null) {
      throw new RejectedEventException("field 'action': missing");
    }
    JsonNode timeNode = Fields.get(e, "@timestamp");
    String timeField = "@timestamp";
    if (Fields.isAbsent(timeNode)) {
      timeNode = Fields.get(e, "created_at");
      timeField = "created_at";
    }
    Instant time = Timestamps.parse(timeNode, timeField, true);
    JsonNode data = Fields.get(e, "data");
    data = data != null && data.isObject() ? data : null;

    List<Principal> targets = new ArrayList<>(1);
    String user = Fields.text(e, "user");
    if (user != null) {
      targets.add(user(user, Fields.text(e, "user_id"), null));
    }
    String oldUser = data == null ? null : Fields.text(data, "old_user");
    if (oldUser != null && !oldUser.equals(user)) {
      targets.add(user(oldUser, null, null));
    }

    String account = CloudTrailNormalizer.lenient(e, "org");
    if (account == null) {
      account = CloudTrailNormalizer.lenient(e, "business");
    }
    if (account == null) {
      account = CloudTrailNormalizer.lenient(e, "enterprise");
    }
    String resource = CloudTrailNormalizer.lenient(e, "repo");
    if (resource == null) {
      resource = CloudTrailNormalizer.lenient(e, "repository");
    }
    if (resource == null) {
      resource = CloudTrailNormalizer.lenient(e, "team");
    }
    String ip = CloudTrailNormalizer.lenient(e, "actor_ip");
    String eventId = Fields.text(e, "_document_id");
    if (eventId == null && data != null) {
      eventId = Fields.text(data, "_document_id");
    }
    eventId = EventIds.orNullIfPlaceholder(eventId);
    return new AuditEvent(
        eventId != null ? eventId : ids.hash(e),
        Source.GITHUB,
        time != null ? time : receivedAt,
        action,
        classifier.classify(Source.GITHUB, action, e),
        actor(e),
        targets,
        outcome(e, action),
        ip,
        CloudTrailNormalizer.lenient(e, "user_agent"),
        resource,
        account,
        null,
        null);
  }

  static Principal actor(JsonNode e) {
    String login = Fields.text(e, "actor");
    String id = Fields.text(e, "actor_id");
    if (login == null && id == null) {
      return null;
    }
    String nameId = Fields.text(e, "external_identity_nameid");
    String email = Principals.email(nameId);
    if (email == null) {
      email = Principals.email(Fields.text(e, "external_identity_username"));
    }
    String credential = Fields.text(e, "token_id");
    if (credential == null) {
      credential = Fields.text(e, "hashed_token");
    }
    String access = Fields.text(e, "programmatic_access_type");
    String accessType = access == null ? "" : access.toLowerCase(Locale.ROOT);
    boolean bot = login != null && login.endsWith("[bot]");
    PrincipalType type =
        bot
                || accessType.contains("github_app")
                || accessType.contains("github app")
                || accessType.contains("deploy")
            ? PrincipalType.SERVICE
            : PrincipalType.HUMAN;
    return Principals.of(
        Principals.GITHUB,
        bot ? "github_app" : "github_user",
        id,
        login,
        email,
        null,
        credential,
        type,
        null);
  }

  private static Principal user(String login, String id, String email) {
    return Principals.of(
        Principals.GITHUB,
        "github_user",
        id,
        login,
        email,
        null,
        null,
        login.endsWith("[bot]") ? PrincipalType.SERVICE : PrincipalType.HUMAN,
        null);
  }

  private static Outcome outcome(JsonNode e, String action) {
    String status = CloudTrailNormalizer.lenient(e, "status_code");
    if (status != null && status.length() == 3 && status.charAt(0) >= '4') {
      return new Outcome(OutcomeResult.FAILURE, "HTTP " + status);
    }
    if (action.contains("failed") || action.endsWith(".failure")) {
      return new Outcome(OutcomeResult.FAILURE, action);
    }
    // the audit log records what happened; a refused attempt is its own action
    return new Outcome(OutcomeResult.SUCCESS, null);
  }
}
