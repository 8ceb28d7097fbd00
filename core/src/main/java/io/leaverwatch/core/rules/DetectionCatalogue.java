package io.leaverwatch.core.rules;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** The finding rules of {@code rules/detections/}, by id, as the detectors read them. */
public final class DetectionCatalogue implements Serializable {
  private final Map<String, DetectionRule> rules;

  public DetectionCatalogue(Map<String, DetectionRule> rules) {
    this.rules = new TreeMap<>(rules);
  }

  public DetectionRule rule(String id) {
    DetectionRule r = rules.get(id);
    if (r == null) {
      throw new IllegalArgumentException("no detection rule '" + id + "' in the catalogue");
    }
    return r;
  }

  public Map<String, DetectionRule> rules() {
    return java.util.Collections.unmodifiableMap(rules);
  }
}
