package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * When a RETAINED_ACCESS found in an access snapshot is over: a later complete snapshot of the same
 * system no longer shows the grant, or the system's revocation is seen after the snapshot that
 * showed it. An access snapshot lists active grants only, so a grant's absence means nothing until
 * the snapshot says it was read to its end: the marker {@link #isComplete}.
 *
 * <p>The person state keeps, beside each {@code system|grant} and when it was last observed, one
 * entry per system, {@code system|}{@value #COMPLETE}, with the time of the newest complete
 * snapshot of it. A grant last observed before that time is gone. Decided from the state alone, so
 * the stream (as markers arrive) and a bounded {@code detect} (at the end of input, in any order of
 * files) reach the same status, and no state format changes.
 */
public final class SnapshotResolution {
  /** The grant part of a system's completeness entry; no grant name contains a NUL. */
  static final String COMPLETE = "\u0000complete";

  private SnapshotResolution() {}

  public static boolean isComplete(AccessGrant g) {
    return Boolean.TRUE.equals(g.getComplete());
  }

  /** Whether a grants key is a completeness entry rather than a grant. */
  static boolean isCompletionKey(String key) {
    return key.endsWith("|" + COMPLETE);
  }

  /**
   * A complete snapshot reached a person: recorded, and in the stream the findings of the grants it
   * shows gone are emitted again, resolved ({@code grantFinding} renders one from the state).
   */
  static DetectorOutput onComplete(
      PersonState s,
      AccessGrant marker,
      boolean streaming,
      Function<String, Optional<Finding>> grantFinding) {
    DetectorOutput out = new DetectorOutput();
    for (String key : record(s, marker)) {
      if (streaming && s.isActiveDeparture()) {
        grantFinding.apply(key).ifPresent(out.findings::add);
      }
    }
    return out;
  }

  /**
   * Records a complete snapshot; returns the keys of the grants it shows to be gone now (observed
   * before it, not gone by an earlier one), whose findings may resolve.
   */
  static List<String> record(PersonState s, AccessGrant marker) {
    String system = marker.getSystem();
    long at = marker.getObservedAt().toEpochMilli();
    String key = system + "|" + COMPLETE;
    long before = s.grants.getOrDefault(key, Long.MIN_VALUE);
    List<String> gone = new ArrayList<>();
    if (at <= before) {
      return gone;
    }
    s.grants.put(key, at);
    for (Map.Entry<String, Long> g : s.grants.entrySet()) {
      if (g.getKey().startsWith(system + "|")
          && !isCompletionKey(g.getKey())
          && g.getValue() < at
          && g.getValue() >= before) {
        gone.add(g.getKey());
      }
    }
    return gone;
  }

  /**
   * The snapshot finding of {@code key} as it stands: resolved when a complete snapshot after its
   * last observation lacks the grant, or the system's revocation happened after that observation;
   * the earlier of the two when both.
   */
  static Finding decide(PersonState s, RoleBaseline b, String key, Finding open) {
    int bar = key.indexOf('|');
    String system = key.substring(0, bar);
    long observed = s.grants.get(key);
    Long complete = s.grants.get(system + "|" + COMPLETE);
    Optional<Resolution> gone =
        complete != null && complete > observed
            ? Optional.of(
                new Resolution(
                    complete,
                    "no longer in the "
                        + system
                        + " access snapshot of "
                        + Instant.ofEpochMilli(complete)))
            : Optional.empty();
    Optional<Resolution> revoked = revoked(s, b, system, observed);
    Optional<Resolution> first =
        gone.isEmpty()
            ? revoked
            : revoked.isEmpty() || gone.get().at <= revoked.get().at ? gone : revoked;
    if (first.isEmpty() || open.getStatus() == FindingStatus.RESOLVED) {
      return open;
    }
    return Resolutions.resolved(open, first.get().at, first.get().text);
  }

  private static Optional<Resolution> revoked(
      PersonState s, RoleBaseline b, String system, long observed) {
    Optional<RevocationStep> step = b.stepFor(system);
    if (step.isEmpty()) {
      return Optional.empty();
    }
    StepResult r = StepEvaluator.evaluate(s, step.get(), Math.max(s.latestEventTime, observed));
    if (r.completedAt() == null || r.completedAt() <= observed) {
      return Optional.empty(); // revoked before a snapshot that still showed it: not over
    }
    String by = r.completedBy() == null ? "" : " by " + r.completedBy();
    return Optional.of(
        new Resolution(
            r.completedAt(),
            "revoked at "
                + Instant.ofEpochMilli(r.completedAt())
                + by
                + ", after the snapshot of "
                + Instant.ofEpochMilli(observed)
                + " showed it"));
  }

  private record Resolution(long at, String text) {}
}
