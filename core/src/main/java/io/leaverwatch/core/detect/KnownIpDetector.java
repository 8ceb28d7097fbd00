package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Source;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * KNOWN_IP_ACCESS_ATTEMPT: after a departure, anyone — known or not — acting from an IP that was
 * the leaver's own. An IP is "own" when the leaver used it in the 30 days before departing and at
 * most two other people did in that window (office and VPN egress are shared, not own).
 *
 * <p>Every evaluation recomputes the findings of one IP from its whole state, so the result does
 * not depend on whether the leaver's use or the attempt was seen first.
 */
public final class KnownIpDetector implements Serializable {
  private static final long DAY = 24 * 3600_000L;

  private final RuleSet rules;
  private final DetectionRule rule;

  /** days before departure in which an IP can become the leaver's own */
  private final int lookbackDays;

  private final int maxOthers;
  private final long window;

  public KnownIpDetector(RuleSet rules) {
    this.rules = rules;
    this.rule = rules.detection("known-ip-access-attempt");
    this.lookbackDays = Math.toIntExact(rule.window("lookback").toDays());
    this.maxOthers = rule.intThreshold("max_other_people");
    this.window = rule.windowMillis("aggregation");
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
  public List<Finding> evaluate(
      String ip, IpState s, java.util.function.Function<String, Departure> departures) {
    List<Finding> out = new ArrayList<>();
    if (s.shared) {
      return out;
    }
    for (Map.Entry<String, TreeMap<Long, Long>> owner : s.daysByPerson.entrySet()) {
      Departure d = departures.apply(owner.getKey());
      if (d == null || d.getStatus() == DepartureStatus.RESCINDED) {
        continue;
      }
      long departed = d.getDepartedAt().toEpochMilli();
      if (!usedBefore(owner.getValue(), departed)) {
        continue;
      }
      int others = 0;
      for (Map.Entry<String, TreeMap<Long, Long>> other : s.daysByPerson.entrySet()) {
        if (!other.getKey().equals(owner.getKey()) && usedBefore(other.getValue(), departed)) {
          others++;
        }
      }
      if (others > maxOthers) {
        continue;
      }
      RoleBaseline b = rules.baselineFor(d.getRole());
      long cut = departed + b.gracePeriod().toMillis();
      // group the attempts after departure by source and hour
      TreeMap<String, List<EventRef>> groups = new TreeMap<>();
      for (EventRef r : s.recent) {
        if (r.time > cut) {
          groups
              .computeIfAbsent(
                  r.source + "|" + PersonDetector.windowStart(r.time, window),
                  k -> new ArrayList<>())
              .add(r);
        }
      }
      for (Map.Entry<String, List<EventRef>> g : groups.entrySet()) {
        out.add(finding(ip, d, b, owner.getKey(), g.getKey(), g.getValue(), others));
      }
    }
    return out;
  }

  /** Whether the IP was used in the lookback before {@code departed} (strictly before it). */
  private boolean usedBefore(TreeMap<Long, Long> days, long departed) {
    long fromDay = Math.floorDiv(departed, DAY) - lookbackDays;
    long toDay = Math.floorDiv(departed, DAY);
    for (Map.Entry<Long, Long> d : days.subMap(fromDay, true, toDay, true).entrySet()) {
      if (d.getValue() < departed && d.getValue() >= departed - lookbackDays * DAY) {
        return true;
      }
    }
    return false;
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

  private Finding finding(
      String ip,
      Departure d,
      RoleBaseline b,
      String personId,
      String groupKey,
      List<EventRef> refs,
      int others) {
    String source = groupKey.substring(0, groupKey.indexOf('|'));
    long hour = Long.parseLong(groupKey.substring(groupKey.indexOf('|') + 1));
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int failed = 0;
    TreeSet<String> ids = new TreeSet<>();
    TreeSet<String> actors = new TreeSet<>();
    TreeSet<String> actions = new TreeSet<>();
    List<String> evidence = new ArrayList<>();
    for (EventRef r : refs) {
      first = Math.min(first, r.time);
      last = Math.max(last, r.time);
      failed += r.failed ? 1 : 0;
      ids.add(r.eventId);
      actors.add(r.actorName);
      actions.add(r.action);
      if (evidence.size() < ActivityBucket.MAX_EVIDENCE && r.raw != null) {
        evidence.add(r.raw);
      }
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("source_ip", ip);
    details.put("actors", String.join(",", actors));
    details.put("failed_attempts", Integer.toString(failed));
    details.put("other_people_on_ip", Integer.toString(others));
    String email = d.getEmail() == null ? personId : d.getEmail().toLowerCase(Locale.ROOT);
    String ruleId = b.ruleId("known-ip-access-attempt");
    List<String> idList = new ArrayList<>(ids);
    Finding f =
        Finding.newBuilder()
            .setFindingId(
                FindingIds.of(
                    FindingType.KNOWN_IP_ACCESS_ATTEMPT.name(),
                    personId,
                    ruleId,
                    Long.toString(d.getDepartedAt().toEpochMilli()),
                    ip,
                    groupKey))
            .setType(FindingType.KNOWN_IP_ACCESS_ATTEMPT)
            .setSeverity(
                failed == refs.size()
                    ? rule.severity("every_attempt_failed")
                    : rule.defaultSeverity())
            .setPersonId(personId)
            .setEmail(email)
            .setRole(d.getRole())
            .setSource(Source.valueOf(source))
            .setIdentity(ip)
            .setAction(
                String.join(",", actions.size() > 3 ? List.copyOf(actions).subList(0, 3) : actions))
            .setFirstSeen(Instant.ofEpochMilli(first))
            .setLastSeen(Instant.ofEpochMilli(last))
            .setEventCount(refs.size())
            .setEventIds(
                idList.size() > rule.threshold("max_event_ids")
                    ? idList.subList(0, rule.intThreshold("max_event_ids"))
                    : idList)
            .setDepartedAt(d.getDepartedAt())
            .setRuleId(ruleId)
            .setRuleVersion(b.version())
            .setSummary(
                String.format(
                    Locale.ROOT,
                    "%d attempt(s) on %s from %s, an IP that was %s's own before departure, by %s",
                    refs.size(),
                    source,
                    ip,
                    email,
                    String.join(", ", actors)))
            .setDetails(details)
            .setEvidence(evidence)
            .setFirstSeen(Instant.ofEpochMilli(first))
            .build();
    return Revisions.stamp(FindingBounds.cap(f));
  }
}
