package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.FindingBuilder.label;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code out-of-workflow-credential-change}: a credential of a flagged or departed person created,
 * rotated, reactivated or deleted by anyone but the approved offboarding automation.
 */
final class OutOfWorkflowCredentialRule implements FindingRule {
  static final String ID = "out-of-workflow-credential-change";

  private final DetectionRule rule;

  OutOfWorkflowCredentialRule(DetectionRule rule) {
    this.rule = rule;
  }

  @Override
  public List<Finding> evaluate(PersonState s, RoleBaseline b, Trigger t) {
    if (!(t instanceof Trigger.Notable n)) {
      return List.of();
    }
    EventRef r = n.event();
    boolean credential =
        r.actionClass.equals(ActionClass.CREDENTIAL_CHANGE.name())
            || (r.actionClass.equals(ActionClass.REVOCATION.name()) && isCredentialDeletion(r));
    boolean concernsPerson = Participation.TARGET.is(r.role) || r.selfAction;
    if (!credential || !concernsPerson || r.actorApproved || r.time < s.flaggedFrom()) {
      return List.of();
    }
    String verb = verbOf(r.action, r.raw);
    Severity sev =
        verb.equals("deleted")
            ? rule.severity("deleted")
            : (verb.equals("created") || verb.equals("reactivated")
                ? rule.severity("created_or_reactivated")
                : rule.defaultSeverity());
    Map<String, String> details = new LinkedHashMap<>();
    details.put("actor", r.actorName);
    details.put("change", verb);
    details.put("outcome", r.failed ? "FAILURE" : "SUCCESS");
    if (r.accessKeyId != null) {
      details.put("access_key_id", r.accessKeyId);
    }
    return List.of(
        FindingBuilder.ofEvent(
                s, FindingType.OUT_OF_WORKFLOW_CREDENTIAL_CHANGE, b.ruleId(ID), b.version(), r)
            .severity(sev)
            .summary(
                String.format(
                    Locale.ROOT,
                    "%s's credential was %s by %s (%s), who is not the approved offboarding"
                        + " automation",
                    label(s),
                    verb,
                    r.actorName,
                    r.action))
            .details(details)
            .build());
  }

  static boolean isCredentialDeletion(EventRef r) {
    String a = r.action.toLowerCase(Locale.ROOT);
    return a.contains("key")
        || a.contains("token")
        || a.contains("mfa")
        || a.contains("password")
        || a.contains("loginprofile")
        || a.contains("oauth")
        || a.contains("credential")
        || a.contains("factor");
  }

  static String verbOf(String action, String raw) {
    String a = action.toLowerCase(Locale.ROOT);
    if (a.contains("updateaccesskey")) {
      String r = raw == null ? "" : raw.toLowerCase(Locale.ROOT).replace(" ", "");
      return r.contains("\"status\":\"active\"") ? "reactivated" : "deactivated";
    }
    if (a.contains("reactivate") || a.contains("unsuspend") || a.matches(".*(^|[._])activate.*")) {
      return "reactivated";
    }
    if (a.contains("delete")
        || a.contains("revoke")
        || a.contains("remove")
        || a.contains("destroy")
        || a.contains("deactivate")) {
      return "deleted";
    }
    if (a.contains("create")
        || a.contains("add")
        || a.contains("upload")
        || a.contains("request_created")
        || a.contains("access_granted")
        || a.contains("enroll")
        || a.contains("grant")) {
      return "created";
    }
    return "changed";
  }
}
