package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.FindingBuilder.label;
import static io.leaverwatch.core.detect.FindingBuilder.limit;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code post-departure-activity}: one finding per person, source and aggregation window for what
 * their own identities did after departure plus the grace period.
 */
final class PostDepartureActivityRule implements FindingRule {
  static final String ID = "post-departure-activity";

  private final DetectionRule rule;
  private final long window;

  PostDepartureActivityRule(DetectionRule rule) {
    this.rule = rule;
    this.window = rule.windowMillis("aggregation");
  }

  @Override
  public List<Finding> evaluate(PersonState s, RoleBaseline b, Trigger t) {
    if (!(t instanceof Trigger.Activity a)) {
      return List.of();
    }
    ActivityBucket bucket = a.bucket();
    long cut = s.departedAt + b.gracePeriod().toMillis();
    if (bucket.hourStart + window <= cut) {
      return List.of();
    }
    long count = 0;
    long failures = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    TreeSet<String> ids = new TreeSet<>();
    TreeSet<String> actions = new TreeSet<>();
    TreeSet<String> ips = new TreeSet<>();
    List<String> evidence = new ArrayList<>();
    boolean serious = false;
    String identity = null;
    for (EventRef r : bucket.refs) {
      if (r.time <= cut) {
        continue;
      }
      count++;
      if (r.failed) {
        failures++;
      } else if (!r.actionClass.equals("AUTHENTICATION") && !r.actionClass.equals("ACTIVITY")) {
        serious = true;
      }
      first = Math.min(first, r.time);
      last = Math.max(last, r.time);
      ids.add(r.eventId);
      actions.add(r.action);
      if (r.sourceIp != null) {
        ips.add(r.sourceIp);
      }
      if (r.raw != null) {
        evidence.add(r.raw);
      }
      if (identity == null || r.identity.compareTo(identity) < 0) {
        identity = r.identity;
      }
    }
    if (bucket.overflowLast > cut) {
      count += bucket.overflowCount;
      failures += bucket.overflowFailures;
      first = Math.min(first, bucket.overflowFirst);
      last = Math.max(last, bucket.overflowLast);
    }
    if (count == 0) {
      return List.of();
    }
    boolean onlyFailures = failures == count;
    Severity sev =
        onlyFailures
            ? rule.severity("every_attempt_failed")
            : (serious ? rule.severity("changed_something") : rule.defaultSeverity());
    String hour = Instant.ofEpochMilli(bucket.hourStart).toString();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("hour", hour);
    details.put("failed_attempts", Long.toString(failures));
    details.put("actions", String.join(",", limit(actions, 10)));
    details.put("source_ips", String.join(",", limit(ips, 10)));
    details.put("grace_period", b.gracePeriod().toString());
    String summary =
        String.format(
            Locale.ROOT,
            "%s acted on %s %d time(s) after departing at %s%s (actions: %s)",
            label(s),
            bucket.source,
            count,
            Instant.ofEpochMilli(s.departedAt),
            onlyFailures
                ? ", every attempt failed"
                : (failures > 0 ? ", " + failures + " failed" : ""),
            String.join(", ", limit(actions, 5)));
    return List.of(
        FindingBuilder.of(s, FindingType.POST_DEPARTURE_ACTIVITY, b.ruleId(ID), b.version())
            .severity(sev)
            .source(Source.valueOf(bucket.source))
            .identity(identity)
            .action(actions.size() == 1 ? actions.first() : String.join(",", limit(actions, 3)))
            .seen(first, last)
            .count(count)
            .eventIds(limit(ids, rule.intThreshold("max_event_ids")))
            .evidence(evidence)
            .summary(summary)
            .details(details)
            .key(bucket.source, hour)
            .build());
  }
}
