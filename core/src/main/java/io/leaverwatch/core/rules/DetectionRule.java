package io.leaverwatch.core.rules;

import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * One finding rule of {@code rules/detections/<id>.yaml}, as loaded: what the detector reads from
 * it (severities by case, windows, thresholds) and the file it came from. The analyst-facing
 * metadata (triage, false positives, MITRE, references, examples) stays in the file.
 */
public record DetectionRule(
    String id,
    String name,
    FindingType findingType,
    String version,
    Severity defaultSeverity,
    Map<String, Severity> cases,
    Map<String, Duration> windows,
    Map<String, Long> thresholds,
    String file)
    implements Serializable {

  public DetectionRule {
    cases = Map.copyOf(cases);
    windows = Map.copyOf(windows);
    thresholds = Map.copyOf(thresholds);
  }

  /** The severity of a raised or lowered case the rule's spec declares. */
  public Severity severity(String caseName) {
    Severity s = cases.get(caseName);
    if (s == null) {
      throw new IllegalArgumentException(id + ": no severity case '" + caseName + "'");
    }
    return s;
  }

  public Duration window(String name) {
    Duration d = windows.get(name);
    if (d == null) {
      throw new IllegalArgumentException(id + ": no window '" + name + "'");
    }
    return d;
  }

  public long windowMillis(String name) {
    return window(name).toMillis();
  }

  public long threshold(String name) {
    Long v = thresholds.get(name);
    if (v == null) {
      throw new IllegalArgumentException(id + ": no threshold '" + name + "'");
    }
    return v;
  }

  public int intThreshold(String name) {
    return Math.toIntExact(threshold(name));
  }
}
