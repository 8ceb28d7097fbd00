package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A finding about one person's departure, named field by field. Its id is the hash of the type, the
 * person, the rule id, the departure and the {@link #key} of what it is about (the window, the
 * step, the event), so that a replay upserts the same finding; {@link #build} bounds and stamps it.
 */
final class FindingBuilder {
  private final PersonState person;
  private final FindingType type;
  private final String ruleId;
  private final String version;
  private Severity severity;
  private Source source;
  private String identity;
  private String action;
  private long first;
  private long last;
  private long count;
  private List<String> eventIds = List.of();
  private List<String> evidence = List.of();
  private String summary;
  private Map<String, String> details = Map.of();
  private String[] key = new String[0];

  private FindingBuilder(PersonState person, FindingType type, String ruleId, String version) {
    this.person = person;
    this.type = type;
    this.ruleId = ruleId;
    this.version = version;
  }

  static FindingBuilder of(PersonState s, FindingType type, String ruleId, String version) {
    return new FindingBuilder(s, type, ruleId, version);
  }

  /**
   * A finding about one event: its source, identity, action, time, id and raw event, keyed by it.
   */
  static FindingBuilder ofEvent(
      PersonState s, FindingType type, String ruleId, String version, EventRef r) {
    return of(s, type, ruleId, version)
        .source(Source.valueOf(r.source))
        .identity(r.identity)
        .action(r.action)
        .seen(r.time, r.time)
        .count(1)
        .eventIds(List.of(r.eventId))
        .evidence(r.raw == null ? List.of() : List.of(r.raw))
        .key("event", r.eventId);
  }

  FindingBuilder severity(Severity v) {
    this.severity = v;
    return this;
  }

  FindingBuilder source(Source v) {
    this.source = v;
    return this;
  }

  FindingBuilder identity(String v) {
    this.identity = v;
    return this;
  }

  FindingBuilder action(String v) {
    this.action = v;
    return this;
  }

  FindingBuilder seen(long firstSeen, long lastSeen) {
    this.first = firstSeen;
    this.last = lastSeen;
    return this;
  }

  FindingBuilder count(long v) {
    this.count = v;
    return this;
  }

  FindingBuilder eventIds(List<String> v) {
    this.eventIds = v;
    return this;
  }

  FindingBuilder evidence(List<String> v) {
    this.evidence = v;
    return this;
  }

  FindingBuilder summary(String v) {
    this.summary = v;
    return this;
  }

  FindingBuilder details(Map<String, String> v) {
    this.details = v;
    return this;
  }

  /** What, within this person's departure and rule, the finding is about: part of its id. */
  FindingBuilder key(String... parts) {
    this.key = parts;
    return this;
  }

  Finding build() {
    String[] parts = new String[4 + key.length];
    parts[0] = type.name();
    parts[1] = person.personId;
    parts[2] = ruleId;
    parts[3] = Long.toString(person.departedAt);
    System.arraycopy(key, 0, parts, 4, key.length);
    Finding f =
        Finding.newBuilder()
            .setFindingId(FindingIds.of(parts))
            .setType(type)
            .setSeverity(severity)
            .setPersonId(person.personId)
            .setEmail(person.email)
            .setRole(person.role)
            .setSource(source)
            .setIdentity(identity)
            .setAction(action)
            .setFirstSeen(Instant.ofEpochMilli(first))
            .setLastSeen(Instant.ofEpochMilli(last))
            .setEventCount(count)
            .setEventIds(
                limit(new ArrayList<>(new TreeSet<>(eventIds)), FindingBounds.MAX_EVENT_IDS))
            .setDepartedAt(Instant.ofEpochMilli(person.departedAt))
            .setRuleId(ruleId)
            .setRuleVersion(version)
            .setSummary(summary)
            .setDetails(details)
            .setEvidence(limit(evidence, ActivityBucket.MAX_EVIDENCE))
            .build();
    return Revisions.stamp(FindingBounds.cap(f));
  }

  /** The person as findings name them: their email, else their id. */
  static String label(PersonState s) {
    return s.email != null ? s.email : s.personId;
  }

  /**
   * The person's identity in {@code system} (the part after the key's prefix), else their email.
   */
  static String identityIn(PersonState s, String system) {
    for (Map.Entry<String, String> e : s.identities.entrySet()) {
      if (system.equals(e.getValue())) {
        String k = e.getKey();
        return k.substring(k.indexOf(':') + 1);
      }
    }
    return s.email;
  }

  static List<String> limit(Collection<String> c, int n) {
    List<String> out = new ArrayList<>(Math.min(c.size(), n));
    for (String x : c) {
      if (out.size() >= n) {
        break;
      }
      out.add(x);
    }
    return out;
  }
}
