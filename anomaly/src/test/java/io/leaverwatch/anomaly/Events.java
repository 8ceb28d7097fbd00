package io.leaverwatch.anomaly;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.Source;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Small builders of normalised events and the shipped rules, for the anomaly tests. */
final class Events {
  static final Path RULES = Path.of(System.getProperty("leaverwatch.rules", "../rules"));
  static final Instant DAY0 = Instant.parse("2026-10-05T00:00:00Z");
  static final long HOUR = 3_600_000L;
  static final long DAY = 24 * HOUR;

  private Events() {}

  static AnomalyRules rules() {
    return AnomalyRulesLoader.loadFromRulesDir(RULES);
  }

  static int feature(AnomalyRules rules, String name) {
    for (int i = 0; i < rules.featureCount(); i++) {
      if (rules.features().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no feature " + name);
  }

  static AuditEvent git(String id, long t, String action, String repo, String ip) {
    ActionClass c = action.equals("git.push") ? ActionClass.ACTIVITY : ActionClass.DATA_ACCESS;
    return event(id, Source.GITHUB, t, action, c, "acme/" + repo, ip, true);
  }

  static AuditEvent dynamo(String id, long t, String action, String table, String ip) {
    return event(
        id,
        Source.DYNAMODB,
        t,
        action,
        ActionClass.DATA_ACCESS,
        "arn:aws:dynamodb:us-east-1:123456789012:table/" + table,
        ip,
        true);
  }

  static AuditEvent login(String id, long t, String ip, boolean success) {
    return event(
        id, Source.OKTA, t, "user.session.start", ActionClass.AUTHENTICATION, null, ip, success);
  }

  static AuditEvent event(
      String id,
      Source source,
      long t,
      String action,
      ActionClass cls,
      String resource,
      String ip,
      boolean success) {
    Principal actor =
        Principal.newBuilder()
            .setSystem("okta")
            .setKind("okta_user")
            .setEmail("alice@corp.example.com")
            .setType(PrincipalType.HUMAN)
            .build();
    return AuditEvent.newBuilder()
        .setEventId(id)
        .setSource(source)
        .setEventTime(Instant.ofEpochMilli(t))
        .setAction(action)
        .setActionClass(cls)
        .setActor(actor)
        .setTargets(List.of())
        .setOutcome(new Outcome(success ? OutcomeResult.SUCCESS : OutcomeResult.FAILURE, null))
        .setSourceIp(ip)
        .setResource(resource)
        .setRaw("{}")
        .build();
  }

  static long at(int day, int hour) {
    return DAY0.toEpochMilli() + day * DAY + hour * HOUR;
  }
}
