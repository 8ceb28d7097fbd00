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
 * Okta System Log events (API camelCase or Panther's lower-cased keys) to {@link AuditEvent}. Every
 * {@code target[]} entry becomes a target, so in lifecycle events the person concerned is a target.
 */
final class OktaNormalizer {
  private final ActionClassifier classifier;

  OktaNormalizer(ActionClassifier classifier) {
    this.classifier = classifier;
  }

  AuditEvent normalize(JsonNode e, Instant receivedAt, EventIds ids) {
    String action = Fields.text(e, "eventType");
    if (action == null) {
      throw new RejectedEventException("field 'eventType': missing");
    }
    Instant time = Timestamps.parse(Fields.get(e, "published"), "published", false);
    JsonNode actorNode = Fields.object(e, "actor");
    List<Principal> targets = new ArrayList<>(2);
    String resource = null;
    JsonNode target = Fields.get(e, "target");
    if (target != null && target.isArray()) {
      int i = 0;
      for (JsonNode t : target) {
        if (!t.isObject()) {
          throw new RejectedEventException(
              "field 'target[" + i + "]': expected an object, got " + Fields.typeName(t));
        }
        Principal p = principal(t);
        targets.add(p);
        if (resource == null && !"okta_user".equals(p.getKind())) {
          resource = p.getLogin() != null ? p.getLogin() : p.getDisplayName();
        }
        i++;
      }
    } else if (target != null && target.isObject()) {
      targets.add(principal(target));
    } else if (!Fields.isAbsent(target)) {
      throw new RejectedEventException(
          "field 'target': expected an array, got " + Fields.typeName(target));
    }
    JsonNode client = Fields.get(e, "client");
    String ip = CloudTrailNormalizer.lenient(client, "ipAddress");
    if (ip == null) {
      JsonNode chain = Fields.path(e, "request.ipChain");
      if (chain != null && chain.isArray() && chain.size() > 0) {
        ip = CloudTrailNormalizer.lenient(chain.get(0), "ip");
      }
    }
    String eventId = EventIds.orNullIfPlaceholder(Fields.text(e, "uuid"));
    return new AuditEvent(
        eventId != null ? eventId : ids.hash(e),
        Source.OKTA,
        time != null ? time : receivedAt,
        action,
        classifier.classify(Source.OKTA, action, e),
        actorNode == null ? null : principal(actorNode),
        targets,
        outcome(Fields.object(e, "outcome")),
        ip,
        CloudTrailNormalizer.lenient(Fields.get(client, "userAgent"), "rawUserAgent"),
        resource,
        null,
        null,
        null);
  }

  static Principal principal(JsonNode p) {
    String type = Fields.text(p, "type");
    String login = Fields.text(p, "alternateId");
    String kind;
    PrincipalType ptype;
    String t = type == null ? "" : type;
    switch (t) {
      case "User":
        kind = "okta_user";
        ptype = PrincipalType.HUMAN;
        break;
      case "AppInstance":
      case "PublicClientApp":
      case "PublicClientAppEntity":
        kind = "okta_app";
        ptype = PrincipalType.SERVICE;
        break;
      case "SystemPrincipal":
        kind = "okta_system";
        ptype = PrincipalType.SERVICE;
        break;
      default:
        kind =
            type == null
                ? "okta_unknown"
                : "okta_" + type.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        ptype = PrincipalType.UNKNOWN;
    }
    return Principals.of(
        Principals.OKTA,
        kind,
        Fields.text(p, "id"),
        login,
        Principals.email(login),
        null,
        null,
        ptype,
        Fields.text(p, "displayName"));
  }

  static Outcome outcome(JsonNode o) {
    if (o == null) {
      return new Outcome(OutcomeResult.UNKNOWN, null);
    }
    String result = Fields.text(o, "result");
    String reason = Fields.text(o, "reason");
    if (result == null) {
      return new Outcome(OutcomeResult.UNKNOWN, reason);
    }
    switch (result.toUpperCase(Locale.ROOT)) {
      case "SUCCESS":
      case "ALLOW":
        return new Outcome(OutcomeResult.SUCCESS, reason);
      case "FAILURE":
      case "DENY":
      case "RATE_LIMIT":
      case "ABANDONED":
        return new Outcome(OutcomeResult.FAILURE, reason != null ? reason : result);
      default:
        // CHALLENGE, SKIPPED, UNKNOWN...: keep Okta's own word so nothing is lost
        return new Outcome(OutcomeResult.UNKNOWN, reason != null ? result + ": " + reason : result);
    }
  }
}
