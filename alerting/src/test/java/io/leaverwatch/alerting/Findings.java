package io.leaverwatch.alerting;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small finding builders with named instants. */
final class Findings {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  static final Instant T0_PLUS_1H = T0.plusSeconds(3600);
  static final Instant T0_PLUS_3H = T0.plusSeconds(3 * 3600);

  private Findings() {}

  static Finding.Builder base(String id, FindingType type, Severity severity) {
    return Finding.newBuilder()
        .setFindingId(id)
        .setType(type)
        .setSeverity(severity)
        .setPersonId("p-0042")
        .setEmail("alice@corp.example")
        .setRole("software-engineer")
        .setSource(Source.GITHUB)
        .setIdentity("alice-gh")
        .setAction("git.clone")
        .setFirstSeen(T0)
        .setLastSeen(T0_PLUS_1H)
        .setEventCount(3)
        .setEventIds(List.of("ev-1", "ev-2", "ev-3"))
        .setDepartedAt(T0.minusSeconds(86400))
        .setRuleId("post-departure-activity")
        .setRuleVersion("1")
        .setSummary("alice@corp.example cloned corp/payments 3 times after departure")
        .setDetails(Map.of())
        .setEvidence(List.of("{\"raw\":\"event that must never leave\"}"))
        .setRevision(1)
        .setStatus(FindingStatus.OPEN);
  }

  static Finding high(String id) {
    return base(id, FindingType.POST_DEPARTURE_ACTIVITY, Severity.HIGH).build();
  }

  static Finding retained(String id, Severity s, long revision, FindingStatus status) {
    Finding.Builder b =
        base(id, FindingType.RETAINED_ACCESS, s).setRevision(revision).setStatus(status);
    if (status == FindingStatus.RESOLVED) {
      b.setResolvedAt(T0_PLUS_3H).setResolution("revoked 3 h 10 min late by svc-offboarding");
    }
    return b.build();
  }
}
