package io.leaverwatch.core.rules;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Every rule the detection job needs: role baselines (with the default) and the automation. */
public final class RuleSet implements Serializable {
  public static final String DEFAULT_ROLE = "default";

  private final Map<String, RoleBaseline> baselines;
  private final ApprovedAutomation automation;

  public RuleSet(Map<String, RoleBaseline> baselines, ApprovedAutomation automation) {
    if (!baselines.containsKey(DEFAULT_ROLE)) {
      throw new RuleFileException("roles/default.yaml is missing: every rule set needs a default");
    }
    this.baselines = new TreeMap<>(baselines);
    this.automation = automation;
  }

  /**
   * Every role asked for, with its answer: the detectors ask on every event, and the sorted map's
   * comparator is slow next to a hash lookup. Rebuilt empty after deserialisation.
   */
  private transient ConcurrentHashMap<String, RoleBaseline> lookups;

  /** The baseline of the role, or the default one when the role has no file. */
  public RoleBaseline baselineFor(String role) {
    if (role == null) {
      return baselines.get(DEFAULT_ROLE);
    }
    ConcurrentHashMap<String, RoleBaseline> cache = lookups;
    if (cache == null) {
      cache = new ConcurrentHashMap<>();
      lookups = cache;
    }
    RoleBaseline hit = cache.get(role);
    if (hit != null) {
      return hit;
    }
    RoleBaseline b = baselines.get(role);
    RoleBaseline answer = b != null ? b : baselines.get(DEFAULT_ROLE);
    if (cache.size() < 10_000) {
      // roles come from HR records: bounded in practice, capped here all the same
      cache.put(role, answer);
    }
    return answer;
  }

  public Map<String, RoleBaseline> baselines() {
    return baselines;
  }

  public ApprovedAutomation automation() {
    return automation;
  }
}
