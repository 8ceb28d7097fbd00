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

/** AWS CloudTrail records (management, data and Insights events) to {@link AuditEvent}. */
final class CloudTrailNormalizer {
  static final String DYNAMODB_EVENT_SOURCE = "dynamodb.amazonaws.com";
  private static final int MAX_REASON = 300;
  private static final String[] RESOURCE_PARAMETERS = {
    "tableName",
    "bucketName",
    "secretId",
    "functionName",
    "roleName",
    "policyArn",
    "trailName",
    "hostedZoneId",
    "keyId",
    "name"
  };
  private static final String[] FAILURE_FLAGS = {"ConsoleLogin", "CheckMfa", "SwitchRole"};

  private final ActionClassifier classifier;

  CloudTrailNormalizer(ActionClassifier classifier) {
    this.classifier = classifier;
  }

  static Source sourceOf(JsonNode e) {
    String eventSource = lenient(e, "eventSource");
    return DYNAMODB_EVENT_SOURCE.equalsIgnoreCase(eventSource)
        ? Source.DYNAMODB
        : Source.CLOUDTRAIL;
  }

  AuditEvent normalize(JsonNode e, Instant receivedAt, EventIds ids) {
    Source source = sourceOf(e);
    String action = Fields.text(e, "eventName");
    if (action == null) {
      action = Fields.text(e, "eventType");
    }
    if (action == null) {
      throw new RejectedEventException("field 'eventName': missing (and no eventType)");
    }
    Instant time = Timestamps.parse(Fields.get(e, "eventTime"), "eventTime", false);
    JsonNode identity = Fields.object(e, "userIdentity");
    Principal actor = identity == null ? null : actor(identity);
    String account = lenient(e, "recipientAccountId");
    if (account == null && identity != null) {
      account = lenient(identity, "accountId");
    }
    String eventId = EventIds.orNullIfPlaceholder(Fields.text(e, "eventID"));
    return new AuditEvent(
        eventId != null ? eventId : ids.hash(e),
        source,
        time != null ? time : receivedAt,
        action,
        classifier.classify(source, action, e),
        actor,
        targets(e),
        outcome(e),
        lenient(e, "sourceIPAddress"),
        lenient(e, "userAgent"),
        resource(e),
        account,
        lenient(e, "awsRegion"),
        null);
  }

  static Principal actor(JsonNode ui) {
    String type = Fields.text(ui, "type");
    String principalId = Fields.text(ui, "principalId");
    String arn = Fields.text(ui, "arn");
    String accessKeyId = Fields.text(ui, "accessKeyId");
    String userName = Fields.text(ui, "userName");
    String invokedBy = Fields.text(ui, "invokedBy");
    String t = type == null ? "" : type;
    switch (t) {
      case "IAMUser":
        {
          String login = userName != null ? userName : afterMarker(arn, ":user/");
          return aws("iam_user", principalId, login, arn, accessKeyId, PrincipalType.HUMAN);
        }
      case "AssumedRole":
        {
          String session =
              arn != null && arn.contains(":assumed-role/")
                  ? Principals.lastSegment(arn)
                  : afterColon(principalId);
          return aws(
              "assumed_role", principalId, session, arn, accessKeyId, PrincipalType.ASSUMED_ROLE);
        }
      case "Root":
        return aws("root", principalId, "root", arn, accessKeyId, PrincipalType.HUMAN);
      case "FederatedUser":
        {
          String login =
              arn != null && arn.contains("federated-user/")
                  ? afterMarker(arn, "federated-user/")
                  : afterColon(principalId);
          return aws("federated_user", principalId, login, arn, accessKeyId, PrincipalType.HUMAN);
        }
      case "AWSService":
        return aws("aws_service", principalId, invokedBy, arn, accessKeyId, PrincipalType.SERVICE);
      case "IdentityCenterUser":
        {
          JsonNode onBehalfOf = Fields.object(ui, "onBehalfOf");
          String id = Fields.text(ui, "userId");
          if (id == null && onBehalfOf != null) {
            id = Fields.text(onBehalfOf, "userId");
          }
          String login = userName;
          if (login == null && onBehalfOf != null) {
            login = Fields.text(onBehalfOf, "userName");
          }
          return aws("identity_center_user", id, login, arn, accessKeyId, PrincipalType.HUMAN);
        }
      case "AWSAccount":
        {
          boolean anonymous = principalId == null || "ANONYMOUS_PRINCIPAL".equals(principalId);
          return aws(
              "aws_account",
              principalId,
              Fields.text(ui, "accountId"),
              arn,
              accessKeyId,
              anonymous ? PrincipalType.ANONYMOUS : PrincipalType.UNKNOWN);
        }
      case "SAMLUser":
        return aws("saml_user", principalId, userName, arn, accessKeyId, PrincipalType.HUMAN);
      case "WebIdentityUser":
        return aws(
            "web_identity_user", principalId, userName, arn, accessKeyId, PrincipalType.HUMAN);
      default:
        if (principalId == null && arn == null && userName == null && invokedBy == null) {
          return aws("unknown", null, null, null, accessKeyId, PrincipalType.UNKNOWN);
        }
        return aws(
            "unknown",
            principalId,
            userName != null ? userName : invokedBy,
            arn,
            accessKeyId,
            PrincipalType.UNKNOWN);
    }
  }

  private static Principal aws(
      String kind, String id, String login, String arn, String accessKeyId, PrincipalType type) {
    return Principals.of(
        Principals.AWS, kind, id, login, Principals.email(login), arn, accessKeyId, type, null);
  }

  /** The user an IAM call names (not the caller), and the access key it concerns. */
  static List<Principal> targets(JsonNode e) {
    JsonNode request = objectOrNull(e, "requestParameters");
    JsonNode response = objectOrNull(e, "responseElements");
    JsonNode accessKey = response == null ? null : objectOrNull(response, "accessKey");
    String userName = request == null ? null : Fields.text(request, "userName");
    String keyId = request == null ? null : Fields.text(request, "accessKeyId");
    if (accessKey != null) {
      if (userName == null) {
        userName = Fields.text(accessKey, "userName");
      }
      if (keyId == null) {
        keyId = Fields.text(accessKey, "accessKeyId");
      }
    }
    if (userName != null) {
      List<Principal> out = new ArrayList<>(1);
      out.add(
          Principals.of(
              Principals.AWS,
              "iam_user",
              null,
              userName,
              Principals.email(userName),
              null,
              keyId,
              PrincipalType.HUMAN,
              null));
      return out;
    }
    if (keyId != null) {
      List<Principal> out = new ArrayList<>(1);
      out.add(
          Principals.of(
              Principals.AWS,
              "access_key",
              null,
              null,
              null,
              null,
              keyId,
              PrincipalType.UNKNOWN,
              null));
      return out;
    }
    return new ArrayList<>(0);
  }

  static Outcome outcome(JsonNode e) {
    String errorCode = lenient(e, "errorCode");
    String errorMessage = lenient(e, "errorMessage");
    if (errorCode != null || errorMessage != null) {
      String reason =
          errorCode == null
              ? errorMessage
              : errorMessage == null ? errorCode : errorCode + ": " + errorMessage;
      return new Outcome(OutcomeResult.FAILURE, truncate(reason));
    }
    JsonNode response = objectOrNull(e, "responseElements");
    if (response != null) {
      for (String flag : FAILURE_FLAGS) {
        String v = lenient(response, flag);
        if ("Failure".equalsIgnoreCase(v)) {
          return new Outcome(OutcomeResult.FAILURE, flag + " Failure");
        }
      }
    }
    if ("AwsCloudTrailInsight".equals(lenient(e, "eventType"))) {
      return new Outcome(OutcomeResult.UNKNOWN, null);
    }
    return new Outcome(OutcomeResult.SUCCESS, null);
  }

  private static String resource(JsonNode e) {
    JsonNode resources = Fields.get(e, "resources");
    if (resources != null && resources.isArray()) {
      for (JsonNode r : resources) {
        String arn = lenient(r, "ARN");
        if (arn != null) {
          return arn;
        }
      }
    }
    JsonNode request = objectOrNull(e, "requestParameters");
    if (request != null) {
      for (String p : RESOURCE_PARAMETERS) {
        String v = lenient(request, p);
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  private static JsonNode objectOrNull(JsonNode obj, String name) {
    JsonNode v = Fields.get(obj, name);
    return v != null && v.isObject() ? v : null;
  }

  /** Informational fields: a scalar's text, anything else is ignored rather than fatal. */
  static String lenient(JsonNode obj, String name) {
    JsonNode v = Fields.get(obj, name);
    if (v == null || !v.isValueNode() || v.isNull()) {
      return null;
    }
    String s = v.asText();
    return s.isEmpty() ? null : s;
  }

  private static String afterMarker(String s, String marker) {
    if (s == null) {
      return null;
    }
    int i = s.indexOf(marker);
    if (i < 0) {
      return null;
    }
    String rest = s.substring(i + marker.length());
    return rest.isEmpty() ? null : Principals.lastSegment(rest);
  }

  private static String afterColon(String s) {
    if (s == null) {
      return null;
    }
    int i = s.indexOf(':');
    return i < 0 || i == s.length() - 1 ? s : s.substring(i + 1);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON) + "...";
  }
}
