package io.leaverwatch.anomaly;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Source;
import java.io.Serializable;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One per-person-day feature, as declared in the rule file: what it measures ({@link Kind}), which
 * events it looks at, and the floor of its robust spread.
 *
 * @param sources empty: any source
 * @param actions empty: any action
 * @param actionClasses empty: any class
 * @param resourcePattern the first group is the resource key (a table, a bucket); null: the whole
 *     resource
 */
public record FeatureDefinition(
    String name,
    Kind kind,
    Unit unit,
    double minSpread,
    Set<Source> sources,
    Set<String> actions,
    Set<ActionClass> actionClasses,
    Pattern resourcePattern)
    implements Serializable {

  /** What a feature measures over one person-day. */
  public enum Kind {
    COUNT,
    DISTINCT,
    NEW_RESOURCE_SHARE,
    DISTINCT_SOURCE_IPS,
    NEW_SOURCE_IPS,
    OFF_HOURS_SHARE,
    FAILURE_SHARE;

    /** true for the kinds that keep a set of resource keys per day. */
    boolean usesResources() {
      return this == DISTINCT || this == NEW_RESOURCE_SHARE;
    }
  }

  /** How a value reads in an explanation. */
  public enum Unit {
    COUNT,
    SHARE
  }

  public boolean matches(AuditEvent e) {
    return matches(e.getSource(), e.getActionClass(), e.getAction());
  }

  /** Whether an event of this source, action class and action counts for this feature. */
  public boolean matches(Source source, ActionClass actionClass, String action) {
    if (!sources.isEmpty() && !sources.contains(source)) {
      return false;
    }
    if (!actionClasses.isEmpty() && !actionClasses.contains(actionClass)) {
      return false;
    }
    return actions.isEmpty() || actions.contains(action);
  }

  /** The resource key of a matching event, or null when it names none. */
  public String resourceKey(String resource) {
    if (resource == null || resource.isEmpty()) {
      return null;
    }
    if (resourcePattern == null) {
      return resource;
    }
    Matcher m = resourcePattern.matcher(resource);
    if (m.find()) {
      return m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
    }
    return resource;
  }

  /** A value of this feature in words: "46" or "85 %". */
  public String format(double v) {
    if (unit == Unit.SHARE) {
      return Math.round(v * 100) + " %";
    }
    return v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v);
  }
}
