package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What Leaverwatch keeps per source IP, without Flink: who used the IP (per day) and the recent
 * events from it. The decision lives on the {@link IpFindingRule}s of {@code rules/detections/}
 * (today {@link KnownIpAttemptRule}); this class keeps the state and asks them, the way {@link
 * PersonDetector} does for a person.
 */
public final class KnownIpDetector implements Serializable {
  private static final long DAY = KnownIpAttemptRule.DAY;

  private final RuleSet rules;
  private final KnownIpAttemptRule attemptRule;

  /** the attempt rule's lookback: how long a person's use of an IP is kept */
  private final int lookbackDays;

  public KnownIpDetector(RuleSet rules) {
    this.rules = rules;
    this.attemptRule = new KnownIpAttemptRule(rules.detection(KnownIpAttemptRule.ID));
    this.lookbackDays = attemptRule.lookbackDays();
  }

  /**
   * Records an event from the IP; {@code personId} is the actor's person, or null. An event
   * delivered again is recorded once: its id is among the recent ones.
   */
  public void onEvent(IpState s, AuditEvent e, String personId) {
    long t = e.getEventTime().toEpochMilli();
    s.latest = Math.max(s.latest, t);
    if (s.shared || isRecent(s, e)) {
      return;
    }
    if (personId != null) {
      s.daysByPerson
          .computeIfAbsent(personId, k -> new TreeMap<>())
          .merge(Math.floorDiv(t, DAY), t, Math::min);
      if (s.daysByPerson.size() > IpState.SHARED_AFTER) {
        // shared egress: forget it, it can never be someone's own
        s.shared = true;
        s.daysByPerson.clear();
        s.recent.clear();
        return;
      }
    }
    EventRef r = EventRef.of(e, "ACTOR", EventRef.nameOf(e.getActor()), false);
    // the raw event is kept for strangers only: they are the attempts this detector reports
    // (a known person acting from a leaver's IP is rare; their event keeps its id)
    r.raw = personId == null ? e.getRaw() : null;
    r.identity = personId;
    if (!s.recent.isEmpty()) {
      r.shareStringsWith(s.recent.get(s.recent.size() - 1));
    }
    s.recent.add(r);
    if (s.recent.size() > IpState.MAX_RECENT) {
      s.recent.sort((a, b) -> Long.compare(a.time, b.time));
      s.recent.remove(0);
    }
  }

  private static boolean isRecent(IpState s, AuditEvent e) {
    String eventId = e.getEventId();
    long time = e.getEventTime().toEpochMilli();
    int h = eventId.hashCode();
    for (int i = s.recent.size() - 1; i >= 0; i--) {
      EventRef r = s.recent.get(i);
      if (r.eventId.hashCode() == h && r.isSame(eventId, time, e.getAction())) {
        return true;
      }
    }
    return false;
  }

  /** Findings of this IP given the departures known now. */
  public List<Finding> evaluate(String ip, IpState s, Function<String, Departure> departures) {
    List<Finding> out = new ArrayList<>();
    if (s.shared) {
      return out;
    }
    for (String personId : s.daysByPerson.keySet()) {
      Departure d = departures.apply(personId);
      if (d == null || d.getStatus() == DepartureStatus.RESCINDED) {
        continue;
      }
      RoleBaseline b = rules.baselineFor(d.getRole());
      out.addAll(attemptRule.evaluate(ip, s, personId, d, b));
    }
    return out;
  }

  /** Drops what is older than the horizon; true when nothing is left. */
  public boolean prune(IpState s, long now) {
    long keepFrom = now - (lookbackDays + 14) * DAY;
    long keepDay = Math.floorDiv(keepFrom, DAY);
    s.daysByPerson.values().forEach(days -> days.headMap(keepDay).clear());
    s.daysByPerson.values().removeIf(TreeMap::isEmpty);
    s.recent.removeIf(r -> r.time < now - 14 * DAY);
    return s.isEmpty() || (s.shared && s.latest < keepFrom);
  }
}
