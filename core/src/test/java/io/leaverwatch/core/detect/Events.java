package io.leaverwatch.core.detect;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small builders and named instants for detector tests. */
public final class Events {
  public static final Instant T0 = Instant.parse("2026-10-01T12:00:00Z");
  public static final Instant T0_PLUS_10M = T0.plus(Duration.ofMinutes(10));
  public static final Instant T0_PLUS_30M = T0.plus(Duration.ofMinutes(30));
  public static final Instant T0_PLUS_2H = T0.plus(Duration.ofHours(2));
  public static final Instant T0_PLUS_5H = T0.plus(Duration.ofHours(5));
  public static final Instant T0_PLUS_1D = T0.plus(Duration.ofDays(1));
  public static final Instant T0_MINUS_1D = T0.minus(Duration.ofDays(1));
  public static final Instant T0_MINUS_5D = T0.minus(Duration.ofDays(5));
  public static final Instant NOTICE = T0.minus(Duration.ofDays(10));

  private static int counter;

  private Events() {}

  public static Departure departure(String person, String email, String role, Instant departedAt) {
    return Departure.newBuilder()
        .setPersonId(person)
        .setEmail(email)
        .setRole(role)
        .setNoticeAt(NOTICE)
        .setDepartedAt(departedAt)
        .setStatus(DepartureStatus.DEPARTED)
        .build();
  }

  public static Principal oktaUser(String id, String email) {
    return Principal.newBuilder()
        .setSystem("okta")
        .setKind("okta_user")
        .setId(id)
        .setLogin(email)
        .setEmail(email)
        .setType(PrincipalType.HUMAN)
        .build();
  }

  public static Principal githubUser(String login) {
    return Principal.newBuilder()
        .setSystem("github")
        .setKind("github_user")
        .setLogin(login)
        .setType(PrincipalType.HUMAN)
        .build();
  }

  public static Principal iamUser(String name) {
    return Principal.newBuilder()
        .setSystem("aws")
        .setKind("iam_user")
        .setLogin(name)
        .setArn("arn:aws:iam::123456789012:user/" + name)
        .setType(PrincipalType.HUMAN)
        .build();
  }

  public static Principal assumedRole(String role, String session) {
    return Principal.newBuilder()
        .setSystem("aws")
        .setKind("assumed_role")
        .setLogin(session)
        .setArn("arn:aws:sts::123456789012:assumed-role/" + role + "/" + session)
        .setEmail(session.contains("@") ? session : null)
        .setType(PrincipalType.ASSUMED_ROLE)
        .build();
  }

  /** A builder of one event. */
  public static final class E {
    private final AuditEvent.Builder b;
    private final List<Principal> targets = new ArrayList<>();

    E(Source source, String action, ActionClass cls, Instant at) {
      b =
          AuditEvent.newBuilder()
              .setEventId("evt-" + (++counter))
              .setSource(source)
              .setEventTime(at)
              .setAction(action)
              .setActionClass(cls)
              .setOutcome(new Outcome(OutcomeResult.SUCCESS, null))
              .setRaw("{\"action\":\"" + action + "\"}");
    }

    public E id(String id) {
      b.setEventId(id);
      return this;
    }

    public E actor(Principal p) {
      b.setActor(p);
      return this;
    }

    public E target(Principal p) {
      targets.add(p);
      return this;
    }

    public E failed(String reason) {
      b.setOutcome(new Outcome(OutcomeResult.FAILURE, reason));
      return this;
    }

    public E ip(String ip) {
      b.setSourceIp(ip);
      return this;
    }

    public E raw(String raw) {
      b.setRaw(raw);
      return this;
    }

    public AuditEvent build() {
      return b.setTargets(targets).build();
    }
  }

  public static E event(Source source, String action, ActionClass cls, Instant at) {
    return new E(source, action, cls, at);
  }
}
