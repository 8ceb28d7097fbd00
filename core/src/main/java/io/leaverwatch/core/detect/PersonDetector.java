package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import io.leaverwatch.schema.StepState;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

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
  private static final int MAX_EVENT_IDS = 20;

  private final RuleSet rules;
  private final boolean streaming;

  public PersonDetector(RuleSet rules, boolean streaming) {
    this.rules = rules;
    this.streaming = streaming;
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
              resolved(f, Math.max(at, f.getLastSeen().toEpochMilli()), "departure rescinded"));
        }
      }
    }
    s.personId = d.getPersonId();
    s.email = d.getEmail() == null ? null : d.getEmail().toLowerCase(Locale.ROOT);
    s.role = d.getRole();
    s.noticeAt = d.getNoticeAt() == null ? null : d.getNoticeAt().toEpochMilli();
    s.departedAt = d.getDepartedAt().toEpochMilli();
    s.status = d.getStatus() == DepartureStatus.RESCINDED ? "RESCINDED" : "DEPARTED";
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
      if (key.startsWith("aws-key:")) {
        s.accessKeys.putIfAbsent(key.substring(8), Long.MIN_VALUE);
      }
    }
    return new DetectorOutput();
  }

  /** A learned key, from the resolver (e.g. a GitHub login seen with the person's SAML email). */
  public DetectorOutput onLearnedKey(PersonState s, String personId, String key) {
    s.personId = personId;
    s.identities.put(key, IdentityKeys.systemOf(key));
    if (key.startsWith("aws-key:")) {
      s.accessKeys.putIfAbsent(key.substring(8), Long.MIN_VALUE);
    }
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
    String key = g.getSystem() + "|" + g.getGrant();
    long at = g.getObservedAt().toEpochMilli();
    s.grants.merge(key, at, Math::max);
    if (g.getGrant().startsWith("access_key:")) {
      s.accessKeys.putIfAbsent(g.getGrant().substring("access_key:".length()), at);
    }
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
    if ("ACTOR".equals(role) && e.getActor() != null && e.getActor().getAccessKeyId() != null) {
      String k = e.getActor().getAccessKeyId();
      if (k.startsWith("AKIA")) {
        s.accessKeys.putIfAbsent(k, ref.time);
      }
    }
    if ("TARGET".equals(role)
        && ref.accessKeyId != null
        && ref.accessKeyId.startsWith("AKIA")
        && "CreateAccessKey".equals(ref.action)) {
      s.accessKeys.putIfAbsent(ref.accessKeyId, ref.time);
    }
    DetectorOutput out = new DetectorOutput();
    if ("ACTOR".equals(role)) {
      ActivityBucket bucket = bucketOf(s, e.getSource(), hourStart(ref.time));
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

  /** One finding per person, source and hour for what their own identities did after departure. */
  Optional<Finding> postDepartureFinding(PersonState s, ActivityBucket bucket) {
    RoleBaseline b = baseline(s);
    long cut = s.departedAt + b.gracePeriod().toMillis();
    if (bucket.hourStart + HOUR <= cut) {
      return Optional.empty();
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
      first = Math.min(first, bucket.overflowFirst);
      last = Math.max(last, bucket.overflowLast);
    }
    if (count == 0) {
      return Optional.empty();
    }
    boolean onlyFailures = failures == count;
    Severity sev = onlyFailures ? Severity.MEDIUM : (serious ? Severity.CRITICAL : Severity.HIGH);
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
    return Optional.of(
        finding(
            s,
            FindingType.POST_DEPARTURE_ACTIVITY,
            sev,
            Source.valueOf(bucket.source),
            identity,
            actions.size() == 1 ? actions.first() : String.join(",", limit(actions, 3)),
            first,
            last,
            count,
            new ArrayList<>(ids),
            evidence,
            b.ruleId("post-departure-activity"),
            b.version(),
            summary,
            details,
            bucket.source,
            hour));
  }

  List<Finding> notableFindings(PersonState s, EventRef r) {
    List<Finding> out = new ArrayList<>(1);
    RoleBaseline b = baseline(s);
    // credential changes by anyone but the approved automation
    boolean credential =
        r.actionClass.equals(ActionClass.CREDENTIAL_CHANGE.name())
            || (r.actionClass.equals(ActionClass.REVOCATION.name()) && isCredentialDeletion(r));
    boolean concernsPerson = "TARGET".equals(r.role) || r.selfAction;
    if (credential && concernsPerson && !r.actorApproved && r.time >= s.flaggedFrom()) {
      String verb = verbOf(r.action, r.raw);
      Severity sev =
          verb.equals("deleted")
              ? Severity.LOW
              : (verb.equals("created") || verb.equals("reactivated")
                  ? Severity.HIGH
                  : Severity.MEDIUM);
      Map<String, String> details = new LinkedHashMap<>();
      details.put("actor", r.actorName);
      details.put("change", verb);
      details.put("outcome", r.failed ? "FAILURE" : "SUCCESS");
      if (r.accessKeyId != null) {
        details.put("access_key_id", r.accessKeyId);
      }
      out.add(
          single(
              s,
              FindingType.OUT_OF_WORKFLOW_CREDENTIAL_CHANGE,
              sev,
              r,
              b.ruleId("out-of-workflow-credential-change"),
              b.version(),
              String.format(
                  Locale.ROOT,
                  "%s's credential was %s by %s (%s), who is not the approved offboarding"
                      + " automation",
                  label(s),
                  verb,
                  r.actorName,
                  r.action),
              details));
    }
    // sensitive changes by a flagged or departed person
    boolean sensitive =
        r.actionClass.equals(ActionClass.SENSITIVE_CHANGE.name()) || b.isSensitive(r.action);
    if (sensitive && "ACTOR".equals(r.role) && r.time >= s.flaggedFrom()) {
      boolean after = r.time > s.departedAt;
      Map<String, String> details = new LinkedHashMap<>();
      details.put("period", after ? "after departure" : "notice period");
      details.put("outcome", r.failed ? "FAILURE" : "SUCCESS");
      if (r.sourceIp != null) {
        details.put("source_ip", r.sourceIp);
      }
      out.add(
          single(
              s,
              FindingType.SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT,
              after ? Severity.CRITICAL : Severity.HIGH,
              r,
              b.ruleId("sensitive-change-by-flagged-account"),
              b.version(),
              String.format(
                  Locale.ROOT,
                  "%s, flagged since %s, made a sensitive change: %s%s",
                  label(s),
                  Instant.ofEpochMilli(s.flaggedFrom()),
                  r.action,
                  r.failed ? " (failed)" : ""),
              details));
    }
    // access re-opened: the departed person re-activated, re-added or granted a privilege
    boolean reopen =
        r.actionClass.equals(ActionClass.PRIVILEGE_CHANGE.name()) || b.isReopen(r.action);
    if (reopen && "TARGET".equals(r.role) && !r.failed && r.time > s.departedAt) {
      Map<String, String> details = new LinkedHashMap<>();
      details.put("actor", r.actorName);
      details.put("reason", "access re-opened after departure");
      out.add(
          single(
              s,
              FindingType.RETAINED_ACCESS,
              Severity.HIGH,
              r,
              b.ruleId("access-reopened"),
              b.version(),
              String.format(
                  Locale.ROOT,
                  "%s's access was re-opened after departure: %s by %s",
                  label(s),
                  r.action,
                  r.actorName),
              details));
    }
    return out;
  }

  /** A snapshot that still shows a grant active after the step's deadline. */
  Optional<Finding> grantFinding(PersonState s, String key, long observedAt) {
    if (SnapshotResolution.isCompletionKey(key)) {
      return Optional.empty();
    }
    RoleBaseline b = baseline(s);
    int bar = key.indexOf('|');
    String system = key.substring(0, bar);
    String grant = key.substring(bar + 1);
    long sla = b.stepFor(system).map(st -> st.sla().toMillis()).orElse(24 * HOUR);
    long deadline = s.departedAt + sla;
    if (observedAt <= deadline) {
      return Optional.empty();
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("grant", grant);
    details.put("observed_at", Instant.ofEpochMilli(observedAt).toString());
    details.put("deadline", Instant.ofEpochMilli(deadline).toString());
    details.put("reason", "access snapshot shows the grant still active");
    Finding open =
        finding(
            s,
            FindingType.RETAINED_ACCESS,
            Severity.HIGH,
            Systems.sourceOf(system),
            identityIn(s, system),
            "snapshot:" + grant,
            observedAt,
            observedAt,
            1,
            List.of(),
            List.of(),
            b.ruleId("snapshot-" + system),
            b.version(),
            String.format(
                Locale.ROOT,
                "%s still had %s in %s at %s, after the revocation deadline %s",
                label(s),
                grant,
                system,
                Instant.ofEpochMilli(observedAt),
                Instant.ofEpochMilli(deadline)),
            details,
            "snapshot",
            key);
    return Optional.of(SnapshotResolution.decide(s, b, key, open));
  }

  /** A required step that was not done by its deadline: the access was retained past its SLA. */
  Optional<Finding> retainedAccessFinding(
      PersonState s, RoleBaseline b, RevocationStep step, long known) {
    return retainedAccessOpen(s, b, step)
        .map(
            f -> {
              StepResult now = StepEvaluator.evaluate(s, step, known);
              if (now.completedAt() == null
                  || (now.state() != StepState.LATE && now.state() != StepState.ON_TIME)) {
                return f;
              }
              return resolved(f, now.completedAt(), revokedText(now, step, s));
            });
  }

  private static String revokedText(StepResult r, RevocationStep step, PersonState s) {
    long late = r.completedAt() - StepEvaluator.deadline(s, step);
    String by = r.completedBy() == null ? "" : " by " + r.completedBy();
    return late > 0
        ? "revoked " + elapsed(late) + " late" + by
        : "revoked on time" + by + " (the revocation was seen after the deadline)";
  }

  /** 3 h 10 min, 2 d 4 h, 45 min, 20 s. */
  static String elapsed(long ms) {
    long min = ms / 60_000L;
    if (min == 0) {
      return (ms / 1000) + " s";
    }
    long d = min / 1440;
    long h = (min % 1440) / 60;
    long m = min % 60;
    StringBuilder sb = new StringBuilder();
    if (d > 0) {
      sb.append(d).append(" d");
    }
    if (h > 0) {
      sb.append(sb.length() > 0 ? " " : "").append(h).append(" h");
    }
    if (m > 0 && d == 0) {
      sb.append(sb.length() > 0 ? " " : "").append(m).append(" min");
    }
    return sb.toString();
  }

  /** The finding, resolved; stamped again so that the resolution outranks the open version. */
  static Finding resolved(Finding open, long at, String resolution) {
    Finding f = Finding.newBuilder(open).build();
    f.setStatus(FindingStatus.RESOLVED);
    f.setResolvedAt(Instant.ofEpochMilli(at));
    f.setResolution(resolution);
    return Revisions.stamp(FindingBounds.cap(f));
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

  private Optional<Finding> retainedAccessOpen(PersonState s, RoleBaseline b, RevocationStep step) {
    long deadline = StepEvaluator.deadline(s, step);
    StepResult atDeadline = StepEvaluator.evaluate(s, step, deadline);
    if (atDeadline.state() == StepState.ON_TIME) {
      return Optional.empty();
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("step", step.id());
    details.put("sla", step.sla().toString());
    details.put("deadline", Instant.ofEpochMilli(deadline).toString());
    details.put("status_at_deadline", atDeadline.state().name());
    if (atDeadline.detail() != null) {
      details.put("detail", atDeadline.detail());
    }
    return Optional.of(
        finding(
            s,
            FindingType.RETAINED_ACCESS,
            Severity.valueOf(step.severity()),
            Systems.sourceOf(step.system()),
            identityIn(s, step.system()),
            step.id(),
            s.departedAt,
            deadline,
            atDeadline.evidenceIds().size(),
            limit(atDeadline.evidenceIds(), MAX_EVENT_IDS),
            List.of(),
            b.ruleId(step.id()),
            b.version(),
            String.format(
                Locale.ROOT,
                "%s's %s access was not revoked within %s of departure (%s at the deadline %s)",
                label(s),
                step.system(),
                human(step.sla()),
                atDeadline.state() == StepState.FAILED ? "revocation FAILED" : "no revocation seen",
                Instant.ofEpochMilli(deadline)),
            details,
            "step",
            step.id()));
  }

  /**
   * The roll-up once every deadline has passed and at least a day after departure: some required
   * steps missing or failed. A fixed instant, so streaming and bounded runs agree.
   */
  Optional<Finding> incompleteFinding(PersonState s, RoleBaseline b, long known) {
    return incompleteOpen(s, b)
        .map(
            f -> {
              long doneAt = Long.MIN_VALUE;
              List<String> late = new ArrayList<>();
              for (RevocationStep step : requiredSteps(s, b)) {
                StepResult r = StepEvaluator.evaluate(s, step, known);
                if (r.state() != StepState.LATE && r.state() != StepState.ON_TIME) {
                  return f;
                }
                doneAt = Math.max(doneAt, r.completedAt());
                if (r.state() == StepState.LATE) {
                  late.add(step.id() + " " + revokedText(r, step, s));
                }
              }
              return resolved(
                  f,
                  Math.max(doneAt, f.getLastSeen().toEpochMilli()),
                  "no step left missing or failed"
                      + (late.isEmpty() ? "" : ": " + String.join(", ", late)));
            });
  }

  private Optional<Finding> incompleteOpen(PersonState s, RoleBaseline b) {
    long last = rollupTime(s, b);
    List<String> bad = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<RevocationStep> steps = requiredSteps(s, b);
    for (RevocationStep step : steps) {
      StepResult r = StepEvaluator.evaluate(s, step, last);
      if (r.state() == StepState.MISSING || r.state() == StepState.FAILED) {
        bad.add(step.id() + "=" + r.state());
        ids.addAll(r.evidenceIds());
      }
    }
    if (bad.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> details = new LinkedHashMap<>();
    details.put("steps_required", Integer.toString(steps.size()));
    details.put("steps_not_done", String.join(",", bad));
    return Optional.of(
        finding(
            s,
            FindingType.OFFBOARDING_INCOMPLETE,
            bad.size() >= 2 ? Severity.HIGH : Severity.MEDIUM,
            null,
            s.email,
            "offboarding",
            s.departedAt,
            last,
            ids.size(),
            limit(ids, MAX_EVENT_IDS),
            List.of(),
            b.ruleId("offboarding-incomplete"),
            b.version(),
            String.format(
                Locale.ROOT,
                "%s's offboarding is incomplete: %d of %d steps not done (%s)",
                label(s),
                bad.size(),
                steps.size(),
                String.join(", ", bad)),
            details,
            "departure",
            Long.toString(s.departedAt)));
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
                  .setIdentity(identityIn(s, step.system()))
                  .setStepId(step.id())
                  .setStatus(r.state())
                  .setDepartedAt(Instant.ofEpochMilli(s.departedAt))
                  .setDeadline(Instant.ofEpochMilli(deadline))
                  .setCompletedAt(
                      r.completedAt() == null ? null : Instant.ofEpochMilli(r.completedAt()))
                  .setTimeToRevokeMs(
                      r.completedAt() == null ? null : r.completedAt() - s.departedAt)
                  .setEvidenceEventIds(limit(r.evidenceIds(), MAX_EVENT_IDS))
                  .setRuleId(b.ruleId(step.id()))
                  .setDetail(r.detail())
                  .setCompletedBy(r.completedBy())
                  .setCompletedByAutomation(r.completedByAutomation())
                  .setLastActivityAt(
                      r.lastActivityAt() == null ? null : Instant.ofEpochMilli(r.lastActivityAt()))
                  .setLastActivityEventId(r.lastActivityEventId())
                  .setRevision(Revisions.ofStep(r.state(), r.completedAt(), r.evidenceIds().size()))
                  .build()));
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** The steps of the role for the systems where the person has an identity. */
  public List<RevocationStep> requiredSteps(PersonState s, RoleBaseline b) {
    List<RevocationStep> out = new ArrayList<>();
    for (RevocationStep step : b.steps()) {
      if (s.identities.containsValue(step.system())) {
        out.add(step);
      }
    }
    return out;
  }

  public RoleBaseline baseline(PersonState s) {
    return rules.baselineFor(s.role);
  }

  private long lastDeadline(PersonState s, RoleBaseline b) {
    long last = s.departedAt;
    for (RevocationStep step : requiredSteps(s, b)) {
      last = Math.max(last, StepEvaluator.deadline(s, step));
    }
    return last;
  }

  /** When the offboarding is rolled up: the last deadline, and not before a day has passed. */
  public long rollupTime(PersonState s, RoleBaseline b) {
    return Math.max(lastDeadline(s, b), s.departedAt + 24 * HOUR);
  }

  private long cleanupTime(PersonState s, RoleBaseline b) {
    long last = s.departedAt;
    for (RevocationStep step : b.steps()) {
      last = Math.max(last, StepEvaluator.deadline(s, step));
    }
    return Math.max(
        Math.max(last, s.departedAt + 24 * HOUR), s.departedAt + b.historyHorizon().toMillis());
  }

  private boolean isNotable(PersonState s, EventRef r, String role) {
    if ("TARGET".equals(role)) {
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
  static boolean alreadyCounted(PersonState s, AuditEvent e, String role) {
    String id = e.getEventId();
    long time = e.getEventTime().toEpochMilli();
    if ("ACTOR".equals(role)) {
      ActivityBucket b = s.activity.get(PersonState.bucketKey(e.getSource(), hourStart(time)));
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
      if (it.next().getValue().hourStart + HOUR <= keepFrom) {
        it.remove();
      }
    }
    final long from = keepFrom;
    s.notable.removeIf(r -> r.time < from);
    s.grants.values().removeIf(t -> t < from);
  }

  static boolean isCredentialDeletion(EventRef r) {
    String a = r.action.toLowerCase(Locale.ROOT);
    return a.contains("key")
        || a.contains("token")
        || a.contains("mfa")
        || a.contains("password")
        || a.contains("loginprofile")
        || a.contains("oauth")
        || a.contains("credential")
        || a.contains("factor");
  }

  static String verbOf(String action, String raw) {
    String a = action.toLowerCase(Locale.ROOT);
    if (a.contains("updateaccesskey")) {
      String r = raw == null ? "" : raw.toLowerCase(Locale.ROOT).replace(" ", "");
      return r.contains("\"status\":\"active\"") ? "reactivated" : "deactivated";
    }
    if (a.contains("reactivate") || a.contains("unsuspend") || a.matches(".*(^|[._])activate.*")) {
      return "reactivated";
    }
    if (a.contains("delete")
        || a.contains("revoke")
        || a.contains("remove")
        || a.contains("destroy")
        || a.contains("deactivate")) {
      return "deleted";
    }
    if (a.contains("create")
        || a.contains("add")
        || a.contains("upload")
        || a.contains("request_created")
        || a.contains("access_granted")
        || a.contains("enroll")
        || a.contains("grant")) {
      return "created";
    }
    return "changed";
  }

  private String identityIn(PersonState s, String system) {
    for (Map.Entry<String, String> e : s.identities.entrySet()) {
      if (system.equals(e.getValue())) {
        String k = e.getKey();
        return k.substring(k.indexOf(':') + 1);
      }
    }
    return s.email;
  }

  private static String label(PersonState s) {
    return s.email != null ? s.email : s.personId;
  }

  private Finding single(
      PersonState s,
      FindingType type,
      Severity sev,
      EventRef r,
      String ruleId,
      String version,
      String summary,
      Map<String, String> details) {
    return finding(
        s,
        type,
        sev,
        Source.valueOf(r.source),
        r.identity,
        r.action,
        r.time,
        r.time,
        1,
        List.of(r.eventId),
        r.raw == null ? List.of() : List.of(r.raw),
        ruleId,
        version,
        summary,
        details,
        "event",
        r.eventId);
  }

  private Finding finding(
      PersonState s,
      FindingType type,
      Severity sev,
      Source source,
      String identity,
      String action,
      long first,
      long last,
      long count,
      List<String> eventIds,
      List<String> evidence,
      String ruleId,
      String version,
      String summary,
      Map<String, String> details,
      String... key) {
    String[] parts = new String[4 + key.length];
    parts[0] = type.name();
    parts[1] = s.personId;
    parts[2] = ruleId;
    parts[3] = Long.toString(s.departedAt);
    System.arraycopy(key, 0, parts, 4, key.length);
    Finding f =
        Finding.newBuilder()
            .setFindingId(FindingIds.of(parts))
            .setType(type)
            .setSeverity(sev)
            .setPersonId(s.personId)
            .setEmail(s.email)
            .setRole(s.role)
            .setSource(source)
            .setIdentity(identity)
            .setAction(action)
            .setFirstSeen(Instant.ofEpochMilli(first))
            .setLastSeen(Instant.ofEpochMilli(last))
            .setEventCount(count)
            .setEventIds(limit(new ArrayList<>(new TreeSet<>(eventIds)), MAX_EVENT_IDS))
            .setDepartedAt(Instant.ofEpochMilli(s.departedAt))
            .setRuleId(ruleId)
            .setRuleVersion(version)
            .setSummary(summary)
            .setDetails(details)
            .setEvidence(limit(evidence, ActivityBucket.MAX_EVIDENCE))
            .build();
    return Revisions.stamp(FindingBounds.cap(f));
  }

  private static List<String> limit(java.util.Collection<String> c, int n) {
    List<String> out = new ArrayList<>(Math.min(c.size(), n));
    for (String x : c) {
      if (out.size() >= n) {
        break;
      }
      out.add(x);
    }
    return out;
  }

  private static String human(java.time.Duration d) {
    long m = d.toMinutes();
    return m % 60 == 0 ? (m / 60) + " h" : m + " min";
  }

  public static long hourStart(long t) {
    return Math.floorDiv(t, HOUR) * HOUR;
  }

  private static long dayCeil(long t) {
    long day = 24 * HOUR;
    return Math.floorDiv(t + day - 1, day) * day;
  }
}
