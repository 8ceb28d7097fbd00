package io.leaverwatch.anomaly.jobs;

import io.leaverwatch.anomaly.AnomalyModel;
import io.leaverwatch.anomaly.AnomalyRules;
import io.leaverwatch.anomaly.AnomalyRulesLoader;
import io.leaverwatch.anomaly.AnomalyTrainer;
import io.leaverwatch.anomaly.DailyFeatures;
import io.leaverwatch.anomaly.ModelDirectory;
import io.leaverwatch.anomaly.PersonDay;
import io.leaverwatch.core.detect.IdentityResolver;
import io.leaverwatch.core.detect.Signals;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.SignalKind;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Software engineers with ordinary weekdays (a sign-in, a few clones, fetches and pushes of their
 * team's repositories from their own IP), as normalised events, and models trained on them. The
 * leaver {@code p000} gives notice on day {@link #NOTICE_DAY} and leaves on {@link #DEPARTURE_DAY}.
 */
final class Org {
  static final Path RULES_DIR = Path.of(System.getProperty("leaverwatch.rules", "../rules"));
  static final AnomalyRules RULES = AnomalyRulesLoader.loadFromRulesDir(RULES_DIR);
  static final Instant DAY0 = Instant.parse("2026-10-05T00:00:00Z");
  static final long HOUR = 3_600_000L;
  static final long DAY = 24 * HOUR;
  static final int PEOPLE = 40;
  static final int DAYS = 50;
  static final int NOTICE_DAY = 34;
  static final int DEPARTURE_DAY = 48;
  static final String LEAVER = "p000";
  static final String ROLE = "software-engineer";

  private Org() {}

  static long at(int day, int hour) {
    return DAY0.toEpochMilli() + day * DAY + hour * HOUR;
  }

  /** The end of {@code day} in event time: the watermark that closes it. */
  static long endOf(int day) {
    return at(day + 1, 0) - 1;
  }

  static boolean workday(int day) {
    return day % 7 < 5;
  }

  /** Person {@code p}'s ordinary events on {@code day} (none on weekends). */
  static List<AuditEvent> ordinaryDay(int p, int day, Random r) {
    List<AuditEvent> out = new ArrayList<>();
    if (!workday(day)) {
      return out;
    }
    String person = person(p);
    String ip = "10.0." + p + ".1";
    out.add(login(person + "-" + day + "-login", at(day, 9), ip, r.nextInt(30) != 0));
    int n = 4 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(10);
      String action = k < 2 ? "git.clone" : k < 7 ? "git.fetch" : "git.push";
      out.add(
          git(
              person + "-" + day + "-" + i,
              at(day, 9) + r.nextInt(9) * HOUR + r.nextInt(3_600) * 1000L,
              action,
              "team" + (p % 5) + "-" + r.nextInt(4),
              ip));
    }
    return out;
  }

  /** {@code n} clones of repositories the person never touched, late morning. */
  static List<AuditEvent> massClone(int p, int day, int n, String tag) {
    List<AuditEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          git(
              tag + "-clone-" + i,
              at(day, 11) + i * 1000L,
              "git.clone",
              tag + "-other-" + i,
              "10.0." + p + ".1"));
    }
    return out;
  }

  static String person(int p) {
    return String.format("p%03d", p);
  }

  /** A model trained on {@code p001}..{@code p040}'s days (the leaver is not in it). */
  static AnomalyModel train(long seed) {
    Random r = new Random(seed);
    Map<String, List<PersonDay>> days = new TreeMap<>();
    Map<String, String> roles = new HashMap<>();
    for (int p = 1; p <= PEOPLE; p++) {
      DailyFeatures f = new DailyFeatures(RULES, person(p));
      for (int day = 0; day < DAYS; day++) {
        ordinaryDay(p, day, r).forEach(f::add);
      }
      days.put(person(p), f.closeAll());
      roles.put(person(p), ROLE);
    }
    return AnomalyTrainer.train(RULES, days, roles);
  }

  static String save(AnomalyModel m, Path dir) throws IOException {
    return ModelDirectory.save(
        m, RULES_DIR.resolve("detections/anomalous-activity.yaml"), null, dir);
  }

  static Departure departure() {
    return Departure.newBuilder()
        .setPersonId(LEAVER)
        .setEmail("p000@corp.example.com")
        .setRole(ROLE)
        .setNoticeAt(Instant.ofEpochMilli(at(NOTICE_DAY, 9)))
        .setDepartedAt(Instant.ofEpochMilli(at(DEPARTURE_DAY, 17)))
        .setStatus(DepartureStatus.DEPARTED)
        .build();
  }

  /** What the identity resolver sends for an event the person did. */
  static PersonSignal actor(AuditEvent e, String person, Departure d) {
    return Signals.event(e, person, IdentityResolver.ACTOR, person, d);
  }

  static PersonSignal departureSignal(Departure d) {
    return PersonSignal.newBuilder()
        .setKind(SignalKind.DEPARTURE)
        .setPersonId(d.getPersonId())
        .setDeparture(d)
        .build();
  }

  static AuditEvent git(String id, long t, String action, String repo, String ip) {
    ActionClass c = action.equals("git.push") ? ActionClass.ACTIVITY : ActionClass.DATA_ACCESS;
    return event(id, Source.GITHUB, t, action, c, "acme/" + repo, ip, true);
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
    return AuditEvent.newBuilder()
        .setEventId(id)
        .setSource(source)
        .setEventTime(Instant.ofEpochMilli(t))
        .setAction(action)
        .setActionClass(cls)
        .setActor(
            Principal.newBuilder()
                .setSystem("okta")
                .setKind("okta_user")
                .setEmail("someone@corp.example.com")
                .setType(PrincipalType.HUMAN)
                .build())
        .setTargets(List.of())
        .setOutcome(new Outcome(success ? OutcomeResult.SUCCESS : OutcomeResult.FAILURE, null))
        .setSourceIp(ip)
        .setResource(resource)
        .setRaw("{}")
        .build();
  }
}
