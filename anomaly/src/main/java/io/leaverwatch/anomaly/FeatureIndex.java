package io.leaverwatch.anomaly;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which features an event counts for. Whether a count, distinct or new-resource feature matches
 * depends only on the event's source, action class and action, so the answer is worked out once per
 * kind of event and looked up after that, instead of testing every feature on every event (the
 * streaming job does this for each event it reads). Shared by the threads of a TaskManager.
 */
final class FeatureIndex {
  private static final String NO_ACTION = "\u0000";
  private static volatile FeatureIndex last;

  private final AnomalyRules rules;
  private final int[] onFailure;
  private final int[] onSourceIp;
  private final ConcurrentHashMap<String, int[]>[][] byAction;

  @SuppressWarnings("unchecked")
  private FeatureIndex(AnomalyRules rules) {
    this.rules = rules;
    List<Integer> failure = new ArrayList<>();
    List<Integer> ip = new ArrayList<>();
    for (int i = 0; i < rules.featureCount(); i++) {
      switch (rules.features().get(i).kind()) {
        case FAILURE_SHARE -> failure.add(i);
        case DISTINCT_SOURCE_IPS -> ip.add(i);
        default -> {}
      }
    }
    onFailure = failure.stream().mapToInt(Integer::intValue).toArray();
    onSourceIp = ip.stream().mapToInt(Integer::intValue).toArray();
    byAction = new ConcurrentHashMap[Source.values().length + 1][ActionClass.values().length + 1];
    for (ConcurrentHashMap<String, int[]>[] row : byAction) {
      for (int j = 0; j < row.length; j++) {
        row[j] = new ConcurrentHashMap<>();
      }
    }
  }

  /** The index of {@code rules}: the one made last when it was for the same rules. */
  static FeatureIndex of(AnomalyRules rules) {
    FeatureIndex l = last;
    if (l == null || l.rules != rules) {
      l = new FeatureIndex(rules);
      last = l;
    }
    return l;
  }

  /** The count, distinct and new-resource features that an event of this kind counts for. */
  int[] matching(Source s, ActionClass c, String action) {
    String a = action == null ? NO_ACTION : action;
    ConcurrentHashMap<String, int[]> m =
        byAction[s == null ? Source.values().length : s.ordinal()][
            c == null ? ActionClass.values().length : c.ordinal()];
    int[] r = m.get(a);
    if (r == null) {
      r = m.computeIfAbsent(a, x -> compute(s, c, action));
    }
    return r;
  }

  AnomalyRules rules() {
    return rules;
  }

  int[] onFailure() {
    return onFailure;
  }

  int[] onSourceIp() {
    return onSourceIp;
  }

  private int[] compute(Source s, ActionClass c, String action) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < rules.featureCount(); i++) {
      FeatureDefinition d = rules.features().get(i);
      switch (d.kind()) {
        case COUNT, DISTINCT, NEW_RESOURCE_SHARE -> {
          if (d.matches(s, c, action)) {
            out.add(i);
          }
        }
        default -> {}
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
