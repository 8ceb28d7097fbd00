package io.leaverwatch.alerting.routes;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.Severity;
import java.util.LinkedHashSet;
import java.util.Set;

/** Which receivers a finding goes to: the union over every matching route, each receiver once. */
public final class RouteMatcher {
  private final AlertRoutes routes;

  public RouteMatcher(AlertRoutes routes) {
    this.routes = routes;
  }

  public Set<String> receiversFor(Finding f) {
    Set<String> out = new LinkedHashSet<>();
    for (AlertRoutes.Route r : routes.routes()) {
      if (matches(r.match(), f)) {
        out.addAll(r.receivers());
      }
    }
    return out;
  }

  static boolean matches(AlertRoutes.Match m, Finding f) {
    if (m.minSeverity() != null && rank(f.getSeverity()) < rank(m.minSeverity())) {
      return false;
    }
    if (!m.types().isEmpty() && !m.types().contains(f.getType())) {
      return false;
    }
    if (!m.roles().isEmpty() && (f.getRole() == null || !m.roles().contains(f.getRole()))) {
      return false;
    }
    if (!m.sources().isEmpty() && (f.getSource() == null || !m.sources().contains(f.getSource()))) {
      return false;
    }
    return m.statuses().isEmpty() || m.statuses().contains(f.getStatus());
  }

  /**
   * Orders severities by urgency. The enum's declaration order puts INFO last (it was added after
   * the others), so it cannot be compared by ordinal.
   */
  public static int rank(Severity s) {
    if (s == null) {
      return 0;
    }
    switch (s) {
      case CRITICAL:
        return 4;
      case HIGH:
        return 3;
      case MEDIUM:
        return 2;
      case LOW:
        return 1;
      default:
        return 0;
    }
  }
}
