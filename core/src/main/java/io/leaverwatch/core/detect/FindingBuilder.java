package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A finding about one person's departure, named field by field. Its id is the hash of the type, the
 * person, the rule id, the departure and the {@link #key} of what it is about (the window, the
 * step, the event), so that a replay upserts the same finding; {@link #build} bounds and stamps it.
 */
final class FindingBuilder {
  // the departure the finding is about
  private final String personId;
  private final String email;
  private final String role;
  private final long departedAt;

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

  private FindingBuilder(
      String personId,
      String email,
      String role,
      long departedAt,
      FindingType type,
      String ruleId,
      String version) {
    this.personId = personId;
    this.email = email;
    this.role = role;
    this.departedAt = departedAt;
    this.type = type;
    this.ruleId = ruleId;
    this.version = version;
  }

  static FindingBuilder of(PersonState s, FindingType type, String ruleId, String version) {
    return new FindingBuilder(s.personId, s.email, s.role, s.departedAt, type, ruleId, version);
  }

  /**
   * A finding about the departure {@code d} of {@code personId} when no person's state is at hand
   * (the source-IP rules): the email is the departure's, lower case, else the person id.
   */
  static FindingBuilder of(
      String personId, Departure d, FindingType type, String ruleId, String version) {
    String email = d.getEmail() == null ? personId : d.getEmail().toLowerCase(Locale.ROOT);
    return new FindingBuilder(
        personId, email, d.getRole(), d.getDepartedAt().toEpochMilli(), type, ruleId, version);
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

  /** The email the finding names: what a summary calls the person. */
  String email() {
    return email;
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
    parts[1] = personId;
    parts[2] = ruleId;
    parts[3] = Long.toString(departedAt);
    System.arraycopy(key, 0, parts, 4, key.length);
    Finding f =
        Finding.newBuilder()
            .setFindingId(FindingIds.of(parts))
            .setType(type)
            .setSeverity(severity)
            .setPersonId(personId)
            .setEmail(email)
            .setRole(role)
            .setSource(source)
            .setIdentity(identity)
            .setAction(action)
            .setFirstSeen(Instant.ofEpochMilli(first))
            .setLastSeen(Instant.ofEpochMilli(last))
            .setEventCount(count)
            .setEventIds(
                limit(new ArrayList<>(new TreeSet<>(eventIds)), FindingBounds.MAX_EVENT_IDS))
            .setDepartedAt(Instant.ofEpochMilli(departedAt))
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
