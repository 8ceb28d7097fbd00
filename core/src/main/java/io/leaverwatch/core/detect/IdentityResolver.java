package io.leaverwatch.core.detect;

import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.SignalKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns inputs into signals keyed by person. An event becomes one signal per person it names (as
 * actor or target), plus one {@code IP} signal for the source-IP detector; keys learned from the
 * event become {@code IDENTITY} signals so the person's detectors know every system they are in.
 */
public final class IdentityResolver implements Serializable {
  public static final String ACTOR = "ACTOR";
  public static final String TARGET = "TARGET";
  public static final String IP = "IP";

  /** the system of IdentityLinks that carry a raw identity key learned from events */
  public static final String LEARNED_KEY = "key";

  private final IdentityDirectory directory = new IdentityDirectory();
  private final Set<String> departed = new LinkedHashSet<>();

  /**
   * The latest departure of each person: a per-person detector whose state was cleared after its
   * horizon gets it back with the person's next event, so late activity is still flagged.
   */
  private final java.util.Map<String, Departure> departures = new java.util.HashMap<>();

  private long unresolvedGrants;

  public IdentityDirectory directory() {
    return directory;
  }

  public Set<String> departedPersons() {
    return departed;
  }

  public long unresolvedGrants() {
    return unresolvedGrants;
  }

  public java.util.Map<String, Departure> departures() {
    return departures;
  }

  public List<PersonSignal> onDeparture(Departure d) {
    departed.add(d.getPersonId());
    departures.put(d.getPersonId(), d);
    List<PersonSignal> out = new ArrayList<>(2);
    if (d.getEmail() != null) {
      for (String key : directory.declare(d.getPersonId(), "email", d.getEmail())) {
        out.add(learned(d.getPersonId(), key));
      }
    }
    out.add(
        PersonSignal.newBuilder()
            .setKind(SignalKind.DEPARTURE)
            .setPersonId(d.getPersonId())
            .setDeparture(d)
            .build());
    return out;
  }

  public List<PersonSignal> onIdentity(IdentityLink link) {
    directory.declare(link.getPersonId(), link.getSystem(), link.getIdentity());
    return List.of(
        PersonSignal.newBuilder()
            .setKind(SignalKind.IDENTITY)
            .setPersonId(link.getPersonId())
            .setLink(link)
            .build());
  }

  public List<PersonSignal> onGrant(AccessGrant g) {
    if (SnapshotResolution.isComplete(g)) {
      // a snapshot of a system is complete: every departed person learns which grants it lacked
      List<PersonSignal> out = new ArrayList<>(departed.size());
      for (String p : departed) {
        out.add(
            PersonSignal.newBuilder()
                .setKind(SignalKind.GRANT)
                .setPersonId(p)
                .setGrant(AccessGrant.newBuilder(g).setPersonId(p).build())
                .build());
      }
      return out;
    }
    String person = g.getPersonId();
    if (person == null && g.getIdentity() != null) {
      for (String key : IdentityKeys.ofLink(g.getSystem(), g.getIdentity())) {
        person = directory.personOfKey(key);
        if (person != null) {
          break;
        }
      }
    }
    if (person == null) {
      unresolvedGrants++;
      return List.of();
    }
    AccessGrant resolved = AccessGrant.newBuilder(g).setPersonId(person).build();
    return List.of(
        PersonSignal.newBuilder()
            .setKind(SignalKind.GRANT)
            .setPersonId(person)
            .setGrant(resolved)
            .build());
  }

  public List<PersonSignal> onEvent(AuditEvent e) {
    List<PersonSignal> out = new ArrayList<>(3);
    List<IdentityDirectory.Learned> learned = new ArrayList<>(0);
    String actorPerson = directory.resolve(e.getActor(), learned);
    if (actorPerson != null) {
      out.add(event(e, actorPerson, ACTOR, identityOf(e.getActor())));
    }
    for (Principal t : e.getTargets()) {
      String p = directory.resolve(t, learned);
      // a person acting on themself is covered by the actor signal
      if (p != null && !p.equals(actorPerson)) {
        out.add(event(e, p, TARGET, identityOf(t)));
      }
    }
    for (IdentityDirectory.Learned l : learned) {
      out.add(0, learned(l.personId(), l.key()));
    }
    if (e.getSourceIp() != null && !e.getSourceIp().isEmpty()) {
      out.add(Signals.event(actorPerson == null ? e : withoutRaw(e), actorPerson, IP, null, null));
    }
    return out;
  }

  /**
   * The source-IP detector keeps the raw event of strangers only (see {@link KnownIpDetector}): a
   * known actor's event crosses to it without its payload, the bulk of its bytes. A shallow copy:
   * the fields are shared, not copied.
   */
  static AuditEvent withoutRaw(AuditEvent e) {
    return new AuditEvent(
        e.getEventId(),
        e.getSource(),
        e.getEventTime(),
        e.getAction(),
        e.getActionClass(),
        e.getActor(),
        e.getTargets(),
        e.getOutcome(),
        e.getSourceIp(),
        e.getUserAgent(),
        e.getResource(),
        e.getAccount(),
        e.getRegion(),
        "");
  }

  private PersonSignal event(AuditEvent e, String person, String role, String identity) {
    return Signals.event(e, person, role, identity, departures.get(person));
  }

  private static PersonSignal learned(String person, String key) {
    return PersonSignal.newBuilder()
        .setKind(SignalKind.IDENTITY)
        .setPersonId(person)
        .setLink(
            IdentityLink.newBuilder()
                .setPersonId(person)
                .setSystem(LEARNED_KEY)
                .setIdentity(key)
                .setLearned(true)
                .build())
        .build();
  }

  static String identityOf(Principal p) {
    if (p.getLogin() != null) {
      return p.getLogin();
    }
    if (p.getEmail() != null) {
      return p.getEmail();
    }
    if (p.getArn() != null) {
      return p.getArn();
    }
    return p.getId() == null ? "unknown" : p.getId();
  }
}
