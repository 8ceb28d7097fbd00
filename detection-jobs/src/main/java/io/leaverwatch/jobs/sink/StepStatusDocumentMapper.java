package io.leaverwatch.jobs.sink;

import static io.leaverwatch.jobs.sink.FindingDocumentMapper.iso;
import static io.leaverwatch.jobs.sink.FindingDocumentMapper.name;

import io.leaverwatch.schema.OffboardingStepStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link OffboardingStepStatus} as the document the {@code leaverwatch-steps} index template
 * expects. {@code @timestamp} is when the step was done, or its deadline while it is not.
 */
public final class StepStatusDocumentMapper implements DocumentMapper<OffboardingStepStatus> {
  private static final long serialVersionUID = 1L;

  public static final String INDEX = "steps";

  @Override
  public String index(OffboardingStepStatus status) {
    return INDEX;
  }

  @Override
  public String id(OffboardingStepStatus status) {
    return status.getStatusId();
  }

  /** The revision: a status judged earlier never overwrites a later judgement. */
  @Override
  public long version(OffboardingStepStatus status) {
    return status.getRevision();
  }

  @Override
  public Map<String, Object> document(OffboardingStepStatus s) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@timestamp", iso(s.getCompletedAt() != null ? s.getCompletedAt() : s.getDeadline()));
    doc.put("status_id", s.getStatusId());
    doc.put("person_id", s.getPersonId());
    doc.put("email", s.getEmail());
    doc.put("role", s.getRole());
    doc.put("system", s.getSystem());
    doc.put("identity", s.getIdentity());
    doc.put("step_id", s.getStepId());
    doc.put("status", name(s.getStatus()));
    doc.put("departed_at", iso(s.getDepartedAt()));
    doc.put("deadline", iso(s.getDeadline()));
    doc.put("completed_at", iso(s.getCompletedAt()));
    doc.put("time_to_revoke_ms", s.getTimeToRevokeMs());
    doc.put(
        "evidence_event_ids",
        s.getEvidenceEventIds() == null ? List.of() : List.copyOf(s.getEvidenceEventIds()));
    doc.put("rule_id", s.getRuleId());
    doc.put("detail", s.getDetail());
    doc.put("revision", s.getRevision());
    doc.put("completed_by", s.getCompletedBy());
    doc.put("completed_by_automation", s.getCompletedByAutomation());
    doc.put("last_activity_at", iso(s.getLastActivityAt()));
    doc.put("last_activity_event_id", s.getLastActivityEventId());
    return doc;
  }
}
