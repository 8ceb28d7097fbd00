package io.leaverwatch.core.detect;

import io.leaverwatch.core.route.SignalRoute;
import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The detection job's routing without Flink: resolver → per-person detector and per-IP detector, in
 * input order, with hand-driven timers. For pure tests of the decisions.
 */
final class InMemoryDetection {
  private final IdentityResolver resolver = new IdentityResolver();
  private final PersonDetector detector;
  private final KnownIpDetector ipDetector;
  private final boolean streaming;
  final Map<String, PersonState> persons = new TreeMap<>();
  final Map<String, IpState> ips = new TreeMap<>();
  final Map<String, Departure> departures = new HashMap<>();
  final TreeMap<String, Finding> findings = new TreeMap<>();
  final List<Finding> emitted = new ArrayList<>();
  final TreeMap<String, OffboardingStepStatus> steps = new TreeMap<>();
  final List<OffboardingStepStatus> emittedSteps = new ArrayList<>();
  final TreeMap<String, TreeSet<Long>> timers = new TreeMap<>();
  private long maxEventTime = Long.MIN_VALUE;

  InMemoryDetection(RuleSet rules, boolean streaming) {
    this.detector = new PersonDetector(rules, streaming);
    this.ipDetector = new KnownIpDetector(rules);
    this.streaming = streaming;
  }

  static InMemoryDetection bounded() {
    return new InMemoryDetection(Rules.load(), false);
  }

  static InMemoryDetection streaming() {
    return new InMemoryDetection(Rules.load(), true);
  }

  InMemoryDetection identity(String person, String system, String identity) {
    route(
        resolver.onIdentity(
            IdentityLink.newBuilder()
                .setPersonId(person)
                .setSystem(system)
                .setIdentity(identity)
                .build()));
    return this;
  }

  InMemoryDetection departure(Departure d) {
    route(resolver.onDeparture(d));
    return this;
  }

  InMemoryDetection grant(AccessGrant g) {
    route(resolver.onGrant(g));
    return this;
  }

  InMemoryDetection event(AuditEvent e) {
    maxEventTime = Math.max(maxEventTime, e.getEventTime().toEpochMilli());
    route(resolver.onEvent(e));
    return this;
  }

  InMemoryDetection events(Events.E... es) {
    for (Events.E e : es) {
      event(e.build());
    }
    return this;
  }

  /** Bounded end of input, as of {@code asOf} (null: the latest event time). */
  InMemoryDetection end(Long asOf) {
    long t = asOf != null ? asOf : maxEventTime;
    for (String p : resolver.departedPersons()) {
      collect(p, detector.onEndOfInput(state(p), t));
    }
    return this;
  }

  /** Streaming: fires every timer up to {@code watermark}, in time order. */
  InMemoryDetection advanceTo(long watermark) {
    boolean fired = true;
    while (fired) {
      fired = false;
      for (Map.Entry<String, TreeSet<Long>> e : timers.entrySet()) {
        Long t = e.getValue().isEmpty() ? null : e.getValue().first();
        if (t != null && t <= watermark) {
          e.getValue().remove(t);
          PersonState s = persons.get(e.getKey());
          if (s != null) {
            collect(e.getKey(), detector.onTimer(s, t));
            if (detector.isDone(s, t)) {
              persons.remove(e.getKey());
              e.getValue().clear();
            }
          }
          fired = true;
          break;
        }
      }
    }
    return this;
  }

  List<Finding> of(FindingType type) {
    return findings.values().stream().filter(f -> f.getType() == type).collect(Collectors.toList());
  }

  private PersonState state(String person) {
    return persons.computeIfAbsent(
        person,
        p -> {
          PersonState s = new PersonState();
          s.personId = p;
          return s;
        });
  }

  /** Each signal where the job's router sends it ({@link SignalRoute}), in the job's order. */
  private void route(List<PersonSignal> signals) {
    for (PersonSignal s : signals) {
      Set<SignalRoute> routes = SignalRoute.of(s);
      if (routes.contains(SignalRoute.SOURCE_IP)) {
        IpState st = ips.computeIfAbsent(s.getEvent().getSourceIp(), k -> new IpState());
        ipDetector.onEvent(st, s.getEvent(), s.getPersonId());
        for (Finding f : ipDetector.evaluate(s.getEvent().getSourceIp(), st, departures::get)) {
          add(f);
        }
      }
      if (routes.contains(SignalRoute.PERSON)) {
        collect(s.getPersonId(), personDetector(s));
      }
      if (routes.contains(SignalRoute.DEPARTURES)) {
        departures.put(s.getPersonId(), s.getDeparture());
        for (Map.Entry<String, IpState> ip : ips.entrySet()) {
          ipDetector.evaluate(ip.getKey(), ip.getValue(), departures::get).forEach(this::add);
        }
      }
    }
  }

  private DetectorOutput personDetector(PersonSignal s) {
    PersonState st = state(s.getPersonId());
    switch (s.getKind()) {
      case EVENT:
        return detector.onEvent(
            st, s.getPersonId(), s.getEvent(), s.getRole(), s.getIdentity(), s.getDeparture());
      case DEPARTURE:
        return detector.onDeparture(st, s.getDeparture());
      case IDENTITY:
        return detector.onIdentity(st, s.getLink());
      case GRANT:
        return detector.onGrant(st, s.getGrant());
      default:
        return new DetectorOutput();
    }
  }

  private void collect(String person, DetectorOutput out) {
    out.findings.forEach(this::add);
    out.steps.forEach(st -> steps.put(st.getStatusId(), st));
    emittedSteps.addAll(out.steps);
    if (streaming) {
      timers.computeIfAbsent(person, k -> new TreeSet<>()).addAll(out.timers);
    }
  }

  private void add(Finding f) {
    emitted.add(f);
    findings.put(f.getFindingId(), f);
  }
}
