package io.leaverwatch.core.route;

import io.leaverwatch.core.detect.IdentityResolver;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where a resolved signal goes: the one decision the detection job's router makes, and the one the
 * in-memory detection of the tests makes, so the two cannot route differently.
 */
public enum SignalRoute {
  /** the detectors keyed by person: every signal that names a person, except an event's IP copy */
  PERSON,
  /** the known-IP detector keyed by source IP: the resolver's one IP copy of each event */
  SOURCE_IP,
  /** every departure, broadcast to the known-IP detector (it also goes to the person's detector) */
  DEPARTURES;

  private static final Set<SignalRoute> NONE = EnumSet.noneOf(SignalRoute.class);

  /** The routes of {@code s}; a signal may take several (a departure) or none. */
  public static Set<SignalRoute> of(PersonSignal s) {
    if (IdentityResolver.IP.equals(s.getRole())) {
      return EnumSet.of(SOURCE_IP);
    }
    Set<SignalRoute> routes = EnumSet.copyOf(NONE);
    if (s.getPersonId() != null) {
      routes.add(PERSON);
    }
    if (s.getKind() == SignalKind.DEPARTURE) {
      routes.add(DEPARTURES);
    }
    return routes;
  }
}
