package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RevocationStep;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import java.time.Instant;

/** How access findings resolve, in words a person reads. */
final class Resolutions {
  private Resolutions() {}

  /** The finding, resolved; stamped again so that the resolution outranks the open version. */
  static Finding resolved(Finding open, long at, String resolution) {
    Finding f = Finding.newBuilder(open).build();
    f.setStatus(FindingStatus.RESOLVED);
    f.setResolvedAt(Instant.ofEpochMilli(at));
    f.setResolution(resolution);
    return Revisions.stamp(FindingBounds.cap(f));
  }

  static String revokedText(StepResult r, RevocationStep step, PersonState s) {
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
}
