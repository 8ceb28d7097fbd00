package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.Source;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every per-person decision of Leaverwatch, without Flink: the operator reads the state, calls one
 * of the {@code on*} methods, writes the state back, sets the returned timers and emits.
 *
 * <p>In {@code streaming} mode, findings are emitted as soon as the state supports them and
 * revocation deadlines are event-time timers. In bounded mode nothing is emitted until {@link
 * #onEndOfInput}, which evaluates everything "as of" the given instant, so that a bounded run does
 * not depend on the order in which files were read.
 */
public final class PersonDetector implements Serializable {
  private static final long HOUR = 3600_000L;

  private final RuleSet rules;
  private final boolean streaming;
  private final Deadlines deadlines;

  // the finding rules of rules/detections/, one class each; this class keeps the state and asks
  private final FindingRule activityRule;
  private final FindingRule deadlineRule;
  private final FindingRule snapshotRule;
  private final FindingRule incompleteRule;

  /** the rules asked about every notable event, in the order their findings are emitted */
  private final List<FindingRule> eventRules;

  /** the post-departure aggregation window: activity is kept in buckets of this size */
  private final long window;

  public PersonDetector(RuleSet rules, boolean streaming) {
    this.rules = rules;
    this.streaming = streaming;
    this.deadlines =
        new Deadlines(rules.detection(OffboardingIncompleteRule.ID).windowMillis("not_before"));
    this.activityRule =
        new PostDepartureActivityRule(rules.detection(PostDepartureActivityRule.ID));
    this.deadlineRule = new MissedDeadlineRule(rules.detection(MissedDeadlineRule.ID));
    this.snapshotRule =
        new SnapshotRetainedAccessRule(rules.detection(SnapshotRetainedAccessRule.ID));
    this.incompleteRule =
        new OffboardingIncompleteRule(rules.detection(OffboardingIncompleteRule.ID), deadlines);
    this.eventRules =
        List.of(
            new OutOfWorkflowCredentialRule(rules.detection(OutOfWorkflowCredentialRule.ID)),
            new SensitiveChangeRule(rules.detection(SensitiveChangeRule.ID)),
            new AccessReopenedRule(rules.detection(AccessReopenedRule.ID)));
    this.window = rules.detection(PostDepartureActivityRule.ID).windowMillis("aggregation");
  }

  // ---------------------------------------------------------------- inputs

  public DetectorOutput onDeparture(PersonState s, Departure d) {
    DetectorOutput rescinded = new DetectorOutput();
    if (streaming && s.isActiveDeparture() && d.getStatus() == DepartureStatus.RESCINDED) {
      // resolved with the departure the findings were about, before it is replaced
      long at = Math.max(s.latestEventTime, s.deadlinesJudgedUntil);
      for (Finding f : judgedAccessFindings(s, at)) {
        if (f.getStatus() == FindingStatus.OPEN) {
          rescinded.findings.add(
              Resolutions.resolved(
                  f, Math.max(at, f.getLastSeen().toEpochMilli()), "departure rescinded"));
        }
      }
    }
    s.personId = d.getPersonId();
    s.email = d.getEmail() == null ? null : d.getEmail().toLowerCase(Locale.ROOT);
    s.role = d.getRole();
    s.noticeAt = d.getNoticeAt() == null ? null : d.getNoticeAt().toEpochMilli();
    s.departedAt = d.getDepartedAt().toEpochMilli();
    s.status =
        d.getStatus() == DepartureStatus.RESCINDED
            ? DepartureStatus.RESCINDED
            : DepartureStatus.DEPARTED;
    s.deadlinesJudgedUntil = Long.MIN_VALUE;
    if (s.email != null) {
      s.identities.putIfAbsent("email:" + s.email, null);
    }
    DetectorOutput out = new DetectorOutput();
    if (!s.isActiveDeparture()) {
      return rescinded;
    }
    RoleBaseline b = baseline(s);
    if (streaming) {
      emitEventFindings(s, out);
      for (RevocationStep step : b.steps()) {
        out.timers.add(StepEvaluator.deadline(s, step));
      }
      out.timers.add(rollupTime(s, b));
      out.timers.add(cleanupTime(s, b));
    }
    return out;
  }

  public DetectorOutput onIdentity(PersonState s, IdentityLink link) {
    if (IdentityResolver.LEARNED_KEY.equals(link.getSystem())) {
      return onLearnedKey(s, link.getPersonId(), link.getIdentity());
    }
    s.personId = link.getPersonId();
    for (String key : IdentityKeys.ofLink(link.getSystem(), link.getIdentity())) {
      s.identities.put(key, IdentityKeys.systemOf(key));
      IdentityKeys.accessKeyOf(key).ifPresent(k -> s.accessKeys.putIfAbsent(k, Long.MIN_VALUE));
    }
    return new DetectorOutput();
  }

  /** A learned key, from the resolver (e.g. a GitHub login seen with the person's SAML email). */
  public DetectorOutput onLearnedKey(PersonState s, String personId, String key) {
    s.personId = personId;
    s.identities.put(key, IdentityKeys.systemOf(key));
    IdentityKeys.accessKeyOf(key).ifPresent(k -> s.accessKeys.putIfAbsent(k, Long.MIN_VALUE));
    return new DetectorOutput();
  }

  public DetectorOutput onGrant(PersonState s, AccessGrant g) {
    if (SnapshotResolution.isComplete(g)) {
      return SnapshotResolution.onComplete(
          s, g, streaming, k -> grantFinding(s, k, s.grants.get(k)));
    }
    if (g.getPersonId() != null) {
      s.personId = g.getPersonId();
    }
    GrantKey grant = GrantKey.of(g.getSystem(), g.getGrant());
    String key = grant.encoded();
    long at = g.getObservedAt().toEpochMilli();
    s.grants.merge(key, at, Math::max);
    grant.accessKeyId().ifPresent(k -> s.accessKeys.putIfAbsent(k, at));
    DetectorOutput out = new DetectorOutput();
    if (streaming && s.isActiveDeparture()) {
      grantFinding(s, key, s.grants.get(key)).ifPresent(out.findings::add);
    }
    return out;
  }

  public DetectorOutput onEvent(
      PersonState s, String personId, AuditEvent e, String role, String identity) {
    return onEvent(s, personId, e, role, identity, null);
  }

  /**
   * An event, with the person's departure as the resolver knows it. When this person's state was
   * cleared after the horizon, the departure comes back with the event: the offboarding was judged
   * long ago, so only the event itself is judged.
   */
  public DetectorOutput onEvent(
      PersonState s, String personId, AuditEvent e, String role, String identity, Departure known) {
    s.personId = personId;
    if (alreadyCounted(s, e, role)) {
      // delivered again (at-least-once sources, overlapping S3 files and LookupEvents, a page
      // re-sent): every count and evidence list holds an event once
      return new DetectorOutput();
    }
    DetectorOutput rehydrated = null;
    if (!s.hasDeparture() && known != null && streaming) {
      rehydrated = onDeparture(s, known);
      if (s.isActiveDeparture()) {
        s.deadlinesJudgedUntil = cleanupTime(s, baseline(s));
      }
      rehydrated.findings.clear();
    }
    boolean approved = rules.automation().approves(e.getActor());
    EventRef ref = EventRef.of(e, role, identity, approved);
    s.latestEventTime = Math.max(s.latestEventTime, ref.time);
    if (Participation.ACTOR.is(role)
        && e.getActor() != null
        && e.getActor().getAccessKeyId() != null) {
      String k = e.getActor().getAccessKeyId();
      if (k.startsWith("AKIA")) {
        s.accessKeys.putIfAbsent(k, ref.time);
      }
    }
    if (Participation.TARGET.is(role)
        && ref.accessKeyId != null
        && ref.accessKeyId.startsWith("AKIA")
        && "CreateAccessKey".equals(ref.action)) {
      s.accessKeys.putIfAbsent(ref.accessKeyId, ref.time);
    }
    DetectorOutput out = new DetectorOutput();
    if (Participation.ACTOR.is(role)) {
      ActivityBucket bucket = bucketOf(s, e.getSource(), windowStart(ref.time, window));
      EventRef copy = ref.copy();
      // raw events are the bulk of state: keep them only where they can be evidence, activity
      // after a known departure (a departure that arrives late gets ids and counts, not raw)
      boolean evidence =
          s.isActiveDeparture() && ref.time > s.departedAt + baseline(s).gracePeriod().toMillis();
      bucket.add(copy, evidence ? e.getRaw() : null);
      if (streaming && s.isActiveDeparture()) {
        postDepartureFinding(s, bucket).ifPresent(out.findings::add);
      }
    }
    if (isNotable(s, ref, role)) {
      ref.raw = e.getRaw();
      s.notable.add(ref);
      if (s.notable.size() > PersonState.MAX_NOTABLE) {
        // keep the newest; the oldest are the least likely to matter for a departure
        s.notable.sort((a, b) -> Long.compare(a.time, b.time));
        s.notable.remove(0);
      }
      if (streaming && s.isActiveDeparture()) {
        notableFindings(s, ref).forEach(out.findings::add);
        if (isStepEvidence(s, ref)) {
          out.steps.addAll(stepStatuses(s, s.latestEventTime));
          for (Finding f : judgedAccessFindings(s, s.latestEventTime)) {
            if (f.getStatus() == FindingStatus.RESOLVED) {
              out.findings.add(f);
            }
          }
        }
      }
    }
    if (streaming) {
      out.timers.add(dayCeil(ref.time + baseline(s).historyHorizon().toMillis()));
    }
    if (rehydrated != null) {
      out.timers.addAll(rehydrated.timers);
    }
    return out;
  }

  /**
   * An event-time timer fired: every deadline that has passed since the last judgement (a departure
   * that arrived late may have several at once), then pruning past the horizon.
   */
  public DetectorOutput onTimer(PersonState s, long now) {
    DetectorOutput out = new DetectorOutput();
    if (s.isActiveDeparture() && now > s.deadlinesJudgedUntil) {
      RoleBaseline b = baseline(s);
      long from = s.deadlinesJudgedUntil;
      // events past the timer are already in the state: a revocation among them resolves now
      long known = Math.max(now, s.latestEventTime);
      for (RevocationStep step : requiredSteps(s, b)) {
        long deadline = StepEvaluator.deadline(s, step);
        if (deadline > from && deadline <= now) {
          retainedAccessFinding(s, b, step, known).ifPresent(out.findings::add);
        }
      }
      long rollup = rollupTime(s, b);
      if (rollup > from && rollup <= now && !requiredSteps(s, b).isEmpty()) {
        incompleteFinding(s, b, known).ifPresent(out.findings::add);
      }
      s.deadlinesJudgedUntil = now;
      if (from < cleanupTime(s, b)) {
        out.steps.addAll(stepStatuses(s, now));
      }
    }
    prune(s, now);
    return out;
  }

  /** Bounded runs: everything, as of {@code asOf} ("now" for deadlines). */
  public DetectorOutput onEndOfInput(PersonState s, long asOf) {
    DetectorOutput out = new DetectorOutput();
    if (!s.isActiveDeparture()) {
      return out;
    }
    RoleBaseline b = baseline(s);
    emitEventFindings(s, out);
    for (RevocationStep step : requiredSteps(s, b)) {
      if (StepEvaluator.deadline(s, step) <= asOf) {
        retainedAccessFinding(s, b, step, asOf).ifPresent(out.findings::add);
      }
    }
    if (!requiredSteps(s, b).isEmpty() && rollupTime(s, b) <= asOf) {
      incompleteFinding(s, b, asOf).ifPresent(out.findings::add);
    }
    out.steps.addAll(stepStatuses(s, asOf));
    return out;
  }

  /**
   * True once nothing more can come of this person's state: no departure and no history left, or a
   * departure whose horizon has passed (its steps are final by then).
   */
  public boolean isDone(PersonState s, long now) {
    if (s.hasDeparture()) {
      return now >= cleanupTime(s, baseline(s));
    }
    return s.isEmpty();
  }

  // ---------------------------------------------------------------- decisions

  private void emitEventFindings(PersonState s, DetectorOutput out) {
    for (ActivityBucket bucket : s.activity.values()) {
      postDepartureFinding(s, bucket).ifPresent(out.findings::add);
    }
    for (EventRef ref : s.notable) {
      notableFindings(s, ref).forEach(out.findings::add);
    }
    for (Map.Entry<String, Long> g : s.grants.entrySet()) {
      grantFinding(s, g.getKey(), g.getValue()).ifPresent(out.findings::add);
    }
  }

  private Optional<Finding> postDepartureFinding(PersonState s, ActivityBucket bucket) {
    return first(activityRule.evaluate(s, baseline(s), new Trigger.Activity(bucket)));
  }

  private List<Finding> notableFindings(PersonState s, EventRef r) {
    RoleBaseline b = baseline(s);
    Trigger t = new Trigger.Notable(r);
    List<Finding> out = new ArrayList<>(1);
    for (FindingRule rule : eventRules) {
      out.addAll(rule.evaluate(s, b, t));
    }
    return out;
  }

  private Optional<Finding> grantFinding(PersonState s, String key, long observedAt) {
    if (SnapshotResolution.isCompletionKey(key)) {
      return Optional.empty();
    }
    GrantKey g = GrantKey.decode(key);
    RoleBaseline b = baseline(s);
    return first(
            snapshotRule.evaluate(s, b, new Trigger.Snapshot(g.system(), g.grant(), observedAt)))
        .map(open -> SnapshotResolution.decide(s, b, key, open));
  }

  /** A required step that was not done by its deadline: the access was retained past its SLA. */
  private Optional<Finding> retainedAccessFinding(
      PersonState s, RoleBaseline b, RevocationStep step, long known) {
    return first(deadlineRule.evaluate(s, b, new Trigger.Deadline(step, known)));
  }

  private Optional<Finding> incompleteFinding(PersonState s, RoleBaseline b, long known) {
    return first(incompleteRule.evaluate(s, b, new Trigger.Rollup(known)));
  }

  private static Optional<Finding> first(List<Finding> findings) {
    return findings.isEmpty() ? Optional.empty() : Optional.of(findings.get(0));
  }

  /**
   * The access findings the stream has emitted for this departure (deadlines and the roll-up
   * already judged), each OPEN or RESOLVED as of {@code known}.
   */
  private List<Finding> judgedAccessFindings(PersonState s, long known) {
    List<Finding> out = new ArrayList<>();
    if (!s.isActiveDeparture()) {
      return out;
    }
    RoleBaseline b = baseline(s);
    List<RevocationStep> steps = requiredSteps(s, b);
    for (RevocationStep step : steps) {
      if (StepEvaluator.deadline(s, step) <= s.deadlinesJudgedUntil) {
        retainedAccessFinding(s, b, step, known).ifPresent(out::add);
      }
    }
    if (!steps.isEmpty() && rollupTime(s, b) <= s.deadlinesJudgedUntil) {
      incompleteFinding(s, b, known).ifPresent(out::add);
    }
    for (Map.Entry<String, Long> g : s.grants.entrySet()) {
      grantFinding(s, g.getKey(), g.getValue()).ifPresent(out::add);
    }
    return out;
  }

  public List<OffboardingStepStatus> stepStatuses(PersonState s, long now) {
    List<OffboardingStepStatus> out = new ArrayList<>();
    if (!s.isActiveDeparture()) {
      return out;
    }
    RoleBaseline b = baseline(s);
    for (RevocationStep step : requiredSteps(s, b)) {
      StepResult r = StepEvaluator.evaluate(s, step, now);
      long deadline = StepEvaluator.deadline(s, step);
      out.add(
          FindingBounds.cap(
              OffboardingStepStatus.newBuilder()
                  .setStatusId(FindingIds.of("step", s.personId, step.id()))
                  .setPersonId(s.personId)
                  .setEmail(s.email)
                  .setRole(s.role)
                  .setSystem(step.system())
                  .setIdentity(FindingBuilder.identityIn(s, step.system()))
                  .setStepId(step.id())
                  .setStatus(r.state())
                  .setDepartedAt(Instant.ofEpochMilli(s.departedAt))
                  .setDeadline(Instant.ofEpochMilli(deadline))
                  .setCompletedAt(
                      r.completedAt() == null ? null : Instant.ofEpochMilli(r.completedAt()))
                  .setTimeToRevokeMs(
                      r.completedAt() == null ? null : r.completedAt() - s.departedAt)
                  .setEvidenceEventIds(
                      FindingBuilder.limit(r.evidenceIds(), FindingBounds.MAX_EVENT_IDS))
                  .setRuleId(b.ruleId(step.id()))
                  .setDetail(r.detail())
                  .setCompletedBy(r.completedBy())
                  .setCompletedByAutomation(r.completedByAutomation())
                  .setLastActivityAt(
                      r.lastActivityAt() == null ? null : Instant.ofEpochMilli(r.lastActivityAt()))
                  .setLastActivityEventId(r.lastActivityEventId())
                  .setRevision(
                      Revisions.ofStep(
                          r.state(), r.completedAt(), r.evidenceIds().size(), r.lastActivityAt()))
                  .build()));
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** The steps of the role for the systems where the person has an identity. */
  public List<RevocationStep> requiredSteps(PersonState s, RoleBaseline b) {
    return deadlines.requiredSteps(s, b);
  }

  public RoleBaseline baseline(PersonState s) {
    return rules.baselineFor(s.role);
  }

  /** When the offboarding is rolled up: the last deadline, and not before a day has passed. */
  public long rollupTime(PersonState s, RoleBaseline b) {
    return deadlines.rollupTime(s, b);
  }

  private long cleanupTime(PersonState s, RoleBaseline b) {
    return deadlines.cleanupTime(s, b);
  }

  private boolean isNotable(PersonState s, EventRef r, String role) {
    if (Participation.TARGET.is(role)) {
      return true;
    }
    String c = r.actionClass;
    return c.equals("CREDENTIAL_CHANGE")
        || c.equals("SENSITIVE_CHANGE")
        || c.equals("REVOCATION")
        || c.equals("PRIVILEGE_CHANGE")
        || baseline(s).isSensitive(r.action);
  }

  private boolean isStepEvidence(PersonState s, EventRef r) {
    for (RevocationStep step : baseline(s).steps()) {
      if (step.isEvidence(r.action) || StepEvaluator.isKeyRevocation(r)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the state holds this event already: as actor it is in its source's hour, as target in
   * the notable events. Both are kept for the history horizon, and so is the memory of duplicates.
   */
  boolean alreadyCounted(PersonState s, AuditEvent e, String role) {
    String id = e.getEventId();
    long time = e.getEventTime().toEpochMilli();
    if (Participation.ACTOR.is(role)) {
      ActivityBucket b =
          s.activity.get(PersonState.bucketKey(e.getSource(), windowStart(time, window)));
      return b != null && b.contains(id, time, e.getAction());
    }
    for (EventRef r : s.notable) {
      if (r.isSame(id, time, e.getAction())) {
        return true;
      }
    }
    return false;
  }

  /** The person's activity bucket of this source and hour, new if there is none yet. */
  private static ActivityBucket bucketOf(PersonState s, Source source, long hour) {
    return s.activity.computeIfAbsent(
        PersonState.bucketKey(source, hour),
        k -> {
          ActivityBucket nb = new ActivityBucket();
          nb.source = source.name();
          nb.hourStart = hour;
          return nb;
        });
  }

  private void prune(PersonState s, long now) {
    long horizon = baseline(s).historyHorizon().toMillis();
    long keepFrom = now - horizon;
    if (s.isActiveDeparture()) {
      // a departure keeps its own window: the 30 days before it, and everything after
      keepFrom = Math.min(keepFrom, s.departedAt - 30 * 24 * HOUR);
    }
    Iterator<Map.Entry<Long, ActivityBucket>> it = s.activity.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().hourStart + window <= keepFrom) {
        it.remove();
      }
    }
    final long from = keepFrom;
    s.notable.removeIf(r -> r.time < from);
    s.grants.values().removeIf(t -> t < from);
  }

  public static long hourStart(long t) {
    return windowStart(t, HOUR);
  }

  /** The start of the aggregation window of {@code size} ms that holds {@code t}. */
  public static long windowStart(long t, long size) {
    return Math.floorDiv(t, size) * size;
  }

  private static long dayCeil(long t) {
    long day = 24 * HOUR;
    return Math.floorDiv(t + day - 1, day) * day;
  }
}
