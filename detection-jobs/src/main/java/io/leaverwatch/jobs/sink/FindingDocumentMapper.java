package io.leaverwatch.jobs.sink;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Finding} as the document the {@code leaverwatch-findings} index template expects: the
 * Avro fields in snake_case, instants as ISO-8601 strings, plus {@code @timestamp} (= last_seen)
 * and {@code severity_rank} for sorting (computed here: the embedded node has no ingest pipelines).
 */
public final class FindingDocumentMapper implements DocumentMapper<Finding> {
  private static final long serialVersionUID = 1L;

  public static final String INDEX = "findings";

  @Override
  public String index(Finding finding) {
    return INDEX;
  }

  @Override
  public String id(Finding finding) {
    return finding.getFindingId();
  }

  /** The revision: an older revision of a finding never overwrites a newer one. */
  @Override
  public long version(Finding finding) {
    return finding.getRevision();
  }

  @Override
  public Map<String, Object> document(Finding f) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@timestamp", iso(f.getLastSeen()));
    doc.put("finding_id", f.getFindingId());
    doc.put("type", name(f.getType()));
    doc.put("severity", name(f.getSeverity()));
    doc.put("severity_rank", severityRank(f.getSeverity()));
    doc.put("person_id", f.getPersonId());
    doc.put("email", f.getEmail());
    doc.put("role", f.getRole());
    doc.put("source", name(f.getSource()));
    doc.put("identity", f.getIdentity());
    doc.put("action", f.getAction());
    doc.put("first_seen", iso(f.getFirstSeen()));
    doc.put("last_seen", iso(f.getLastSeen()));
    doc.put("departed_at", iso(f.getDepartedAt()));
    doc.put("event_count", f.getEventCount());
    doc.put("event_ids", f.getEventIds() == null ? List.of() : List.copyOf(f.getEventIds()));
    doc.put("rule_id", f.getRuleId());
    doc.put("rule_version", f.getRuleVersion());
    doc.put("summary", f.getSummary());
    doc.put("details", f.getDetails() == null ? Map.of() : new LinkedHashMap<>(f.getDetails()));
    doc.put("evidence", f.getEvidence() == null ? List.of() : List.copyOf(f.getEvidence()));
    doc.put("revision", f.getRevision());
    doc.put("status", name(f.getStatus()));
    doc.put("resolved_at", iso(f.getResolvedAt()));
    doc.put("resolution", f.getResolution());
    return doc;
  }

  /** LOW 1, MEDIUM 2, HIGH 3, CRITICAL 4; INFO (and none) 0. */
  public static int severityRank(Severity severity) {
    if (severity == null) {
      return 0;
    }
    return switch (severity) {
      case LOW -> 1;
      case MEDIUM -> 2;
      case HIGH -> 3;
      case CRITICAL -> 4;
      default -> 0;
    };
  }

  static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }
}
