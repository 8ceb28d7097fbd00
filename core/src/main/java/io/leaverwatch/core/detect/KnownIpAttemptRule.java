package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code known-ip-access-attempt}: after a departure, anyone (known or not) acting from an IP that
 * was the leaver's own. An IP is "own" when the leaver used it in the lookback before departing and
 * at most {@code max_other_people} other people did in that window (office and VPN egress are
 * shared, not own). One finding per leaver, IP, source and aggregation window.
 *
 * <p>Every evaluation recomputes the findings from the IP's whole state, so the result does not
 * depend on whether the leaver's use or the attempt was seen first.
 */
final class KnownIpAttemptRule implements IpFindingRule {
  static final String ID = "known-ip-access-attempt";
  static final long DAY = 24 * 3600_000L;

  private final DetectionRule rule;
  private final int lookbackDays;
  private final int maxOthers;
  private final long window;

  KnownIpAttemptRule(DetectionRule rule) {
    this.rule = rule;
    this.lookbackDays = Math.toIntExact(rule.window("lookback").toDays());
    this.maxOthers = rule.intThreshold("max_other_people");
    this.window = rule.windowMillis("aggregation");
  }

  /** Days before departure in which an IP can become the leaver's own. */
  int lookbackDays() {
    return lookbackDays;
  }

  @Override
  public List<Finding> evaluate(
      String ip, IpState s, String personId, Departure d, RoleBaseline b) {
    long departed = d.getDepartedAt().toEpochMilli();
    TreeMap<Long, Long> own = s.daysByPerson.get(personId);
    if (s.shared || own == null || !usedBefore(own, departed)) {
      return List.of();
    }
    int others = 0;
    for (Map.Entry<String, TreeMap<Long, Long>> other : s.daysByPerson.entrySet()) {
      if (!other.getKey().equals(personId) && usedBefore(other.getValue(), departed)) {
        others++;
      }
    }
    if (others > maxOthers) {
      return List.of();
    }
    long cut = departed + b.gracePeriod().toMillis();
    // the attempts after departure, by source and window
    TreeMap<String, List<EventRef>> groups = new TreeMap<>();
    for (EventRef r : s.recent) {
      if (r.time > cut) {
        groups
            .computeIfAbsent(
                r.source + "|" + PersonDetector.windowStart(r.time, window), k -> new ArrayList<>())
            .add(r);
      }
    }
    List<Finding> out = new ArrayList<>(groups.size());
    for (Map.Entry<String, List<EventRef>> g : groups.entrySet()) {
      out.add(finding(ip, personId, d, b, g.getKey(), g.getValue(), others));
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

  private Finding finding(
      String ip,
      String personId,
      Departure d,
      RoleBaseline b,
      String groupKey,
      List<EventRef> refs,
      int others) {
    String source = groupKey.substring(0, groupKey.indexOf('|'));
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
      if (r.raw != null) {
        evidence.add(r.raw);
      }
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("source_ip", ip);
    details.put("actors", String.join(",", actors));
    details.put("failed_attempts", Integer.toString(failed));
    details.put("other_people_on_ip", Integer.toString(others));
    FindingBuilder f =
        FindingBuilder.of(
            personId, d, FindingType.KNOWN_IP_ACCESS_ATTEMPT, b.ruleId(ID), b.version());
    return f.severity(
            failed == refs.size() ? rule.severity("every_attempt_failed") : rule.defaultSeverity())
        .source(Source.valueOf(source))
        .identity(ip)
        .action(String.join(",", FindingBuilder.limit(actions, 3)))
        .seen(first, last)
        .count(refs.size())
        .eventIds(FindingBuilder.limit(ids, rule.intThreshold("max_event_ids")))
        .evidence(evidence)
        .summary(
            String.format(
                Locale.ROOT,
                "%d attempt(s) on %s from %s, an IP that was %s's own before departure, by %s",
                refs.size(),
                source,
                ip,
                f.email(),
                String.join(", ", actors)))
        .details(details)
        .key(ip, groupKey)
        .build();
  }
}
