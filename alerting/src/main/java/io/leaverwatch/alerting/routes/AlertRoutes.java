package io.leaverwatch.alerting.routes;

import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rules/alerting.yaml}: who hears of which finding. Receivers name where their secret lives
 * (an environment variable or a file), never the secret itself.
 */
public record AlertRoutes(
    Path file, Map<String, Receiver> receivers, List<Route> routes, Digest digest) {

  /** A PagerDuty service (Events API v2 integration) or a Slack channel. */
  public record Receiver(
      String name, Kind kind, String channel, String secretEnv, String secretFile, int line) {
    /** Where the secret comes from, for messages: the variable or file name, never the value. */
    public String secretSource() {
      return secretEnv != null ? "$" + secretEnv : secretFile;
    }
  }

  public enum Kind {
    PAGERDUTY,
    SLACK
  }

  /** Every condition must hold; an empty set means "any". */
  public record Match(
      Severity minSeverity,
      Set<FindingType> types,
      Set<String> roles,
      Set<Source> sources,
      Set<FindingStatus> statuses) {}

  public record Route(Match match, List<String> receivers, int line) {}

  /** Over {@code maxPerReceiver} new alerts in one window, the rest go out as one digest. */
  public record Digest(Duration window, int maxPerReceiver) {
    public static final Digest DEFAULT = new Digest(Duration.ofMinutes(5), 20);
  }
}
