package io.leaverwatch.core.detect;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import java.io.Serializable;

/**
 * The part of an event a person's detectors keep in state: enough to explain a finding, without the
 * whole event (only notable events keep their raw JSON as evidence).
 */
public final class EventRef implements Serializable {
  public String eventId;
  public long time;
  public String source;
  public String action;
  public String actionClass;
  public boolean failed;
  public String reason;
  public String sourceIp;

  /** the person's identity the event names */
  public String identity;

  /** ACTOR or TARGET */
  public String role;

  /** who acted, for evidence: login, email or ARN */
  public String actorName;

  public boolean actorApproved;
  public boolean selfAction;

  /** access key id the event concerns (CreateAccessKey, DeleteAccessKey...) */
  public String accessKeyId;

  public String raw;

  public EventRef() {}

  public static EventRef of(AuditEvent e, String role, String identity, boolean actorApproved) {
    EventRef r = new EventRef();
    r.eventId = e.getEventId();
    r.time = e.getEventTime().toEpochMilli();
    r.source = e.getSource().name();
    r.action = e.getAction();
    r.actionClass = e.getActionClass().name();
    r.failed = e.getOutcome() != null && e.getOutcome().getResult() == OutcomeResult.FAILURE;
    r.reason = e.getOutcome() == null ? null : e.getOutcome().getReason();
    r.sourceIp = e.getSourceIp();
    r.role = role;
    r.identity = identity;
    r.actorName = nameOf(e.getActor());
    r.actorApproved = actorApproved;
    r.selfAction = isSelfAction(e);
    for (Principal t : e.getTargets()) {
      if (t.getAccessKeyId() != null) {
        r.accessKeyId = t.getAccessKeyId();
      }
    }
    return r;
  }

  /**
   * True when the event names no other user than its actor: a token or factor of one's own, a
   * GitHub event whose {@code user} is the actor, an IAM call without {@code userName}.
   */
  static boolean isSelfAction(AuditEvent e) {
    if (e.getTargets() == null || e.getTargets().isEmpty()) {
      return true;
    }
    java.util.List<String> actorKeys = IdentityKeys.ofPrincipal(e.getActor());
    for (Principal t : e.getTargets()) {
      if (!isUser(t)) {
        continue;
      }
      boolean same = false;
      for (String k : IdentityKeys.ofPrincipal(t)) {
        if (actorKeys.contains(k)) {
          same = true;
          break;
        }
      }
      if (!same) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUser(Principal p) {
    String kind = p.getKind() == null ? "" : p.getKind();
    return kind.equals("okta_user")
        || kind.equals("github_user")
        || kind.equals("iam_user")
        || kind.equals("identity_center_user");
  }

  public static String nameOf(Principal p) {
    if (p == null) {
      return "unknown";
    }
    if (p.getArn() != null) {
      return p.getArn();
    }
    if (p.getEmail() != null) {
      return p.getEmail();
    }
    if (p.getLogin() != null) {
      return p.getLogin();
    }
    return p.getId() == null ? "unknown" : p.getId();
  }

  /** Whether this is the event of that id, time and action: a delivery of it again. */
  public boolean isSame(String id, long at, String act) {
    return time == at && eventId.equals(id) && java.util.Objects.equals(action, act);
  }

  /** A field-by-field copy (the strings are shared: they are never changed). */
  public EventRef copy() {
    EventRef r = new EventRef();
    r.eventId = eventId;
    r.time = time;
    r.source = source;
    r.action = action;
    r.actionClass = actionClass;
    r.failed = failed;
    r.reason = reason;
    r.sourceIp = sourceIp;
    r.identity = identity;
    r.role = role;
    r.actorName = actorName;
    r.actorApproved = actorApproved;
    r.selfAction = selfAction;
    r.accessKeyId = accessKeyId;
    r.raw = raw;
    return r;
  }

  /**
   * Points each text field equal to {@code previous}'s at {@code previous}'s string. One person's
   * events in one hour mostly repeat their source, action, identity, name and IP; every event
   * arrives with strings of its own, and kept in state they were most of what survived each young
   * collection. Shared, this event's copies die young.
   */
  void shareStringsWith(EventRef previous) {
    source = same(source, previous.source);
    action = same(action, previous.action);
    actionClass = same(actionClass, previous.actionClass);
    reason = same(reason, previous.reason);
    sourceIp = same(sourceIp, previous.sourceIp);
    identity = same(identity, previous.identity);
    role = same(role, previous.role);
    actorName = same(actorName, previous.actorName);
  }

  private static String same(String mine, String theirs) {
    return mine != null && mine.equals(theirs) ? theirs : mine;
  }

  public String system() {
    return Systems.ofSource(source);
  }
}
