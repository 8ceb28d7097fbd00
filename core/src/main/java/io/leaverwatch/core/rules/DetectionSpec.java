package io.leaverwatch.core.rules;

import io.leaverwatch.schema.FindingType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the code of each finding rule reads from its catalogue file: the severity cases above
 * ({@code raised}) and below ({@code lowered}) its default, its windows and its thresholds (with
 * their bounds). The loader holds every file to its spec, so a file can neither miss a value the
 * code needs nor carry one the code would silently ignore.
 */
public record DetectionSpec(
    String id,
    FindingType findingType,
    Set<String> raised,
    Set<String> lowered,
    Set<String> windows,
    Map<String, long[]> thresholds) {

  /** The files that another loader owns; they share the catalogue's metadata, not its shape. */
  public static final Set<String> OTHER_LOADERS = Set.of("anomalous-activity");

  /** Every finding rule the detectors implement, by id. */
  public static final Map<String, DetectionSpec> ALL =
      index(
          List.of(
              new DetectionSpec(
                  "post-departure-activity",
                  FindingType.POST_DEPARTURE_ACTIVITY,
                  Set.of("changed_something"),
                  Set.of("every_attempt_failed"),
                  Set.of("aggregation"),
                  Map.of("max_event_ids", new long[] {1, 20})),
              new DetectionSpec(
                  "retained-access-missed-deadline",
                  FindingType.RETAINED_ACCESS,
                  Set.of(),
                  Set.of(),
                  Set.of(),
                  Map.of("max_event_ids", new long[] {1, 20})),
              new DetectionSpec(
                  "retained-access-snapshot",
                  FindingType.RETAINED_ACCESS,
                  Set.of(),
                  Set.of(),
                  Set.of("deadline_without_step"),
                  Map.of()),
              new DetectionSpec(
                  "access-reopened",
                  FindingType.RETAINED_ACCESS,
                  Set.of(),
                  Set.of(),
                  Set.of(),
                  Map.of()),
              new DetectionSpec(
                  "out-of-workflow-credential-change",
                  FindingType.OUT_OF_WORKFLOW_CREDENTIAL_CHANGE,
                  Set.of("created_or_reactivated"),
                  Set.of("deleted"),
                  Set.of(),
                  Map.of()),
              new DetectionSpec(
                  "sensitive-change-by-flagged-account",
                  FindingType.SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT,
                  Set.of("after_departure"),
                  Set.of(),
                  Set.of(),
                  Map.of()),
              new DetectionSpec(
                  "known-ip-access-attempt",
                  FindingType.KNOWN_IP_ACCESS_ATTEMPT,
                  Set.of(),
                  Set.of("every_attempt_failed"),
                  Set.of("aggregation", "lookback"),
                  Map.of(
                      "max_other_people", new long[] {0, 10}, "max_event_ids", new long[] {1, 20})),
              new DetectionSpec(
                  "offboarding-incomplete",
                  FindingType.OFFBOARDING_INCOMPLETE,
                  Set.of("several_steps_not_done"),
                  Set.of(),
                  Set.of("not_before"),
                  Map.of(
                      "several_steps", new long[] {2, 10}, "max_event_ids", new long[] {1, 20}))));

  private static Map<String, DetectionSpec> index(List<DetectionSpec> specs) {
    Map<String, DetectionSpec> m = new TreeMap<>();
    for (DetectionSpec s : specs) {
      m.put(s.id(), s);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
