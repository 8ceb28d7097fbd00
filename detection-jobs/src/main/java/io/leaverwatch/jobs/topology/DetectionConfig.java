package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.normalize.ClockSkewCheck;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the detection job runs. {@code streaming}: deadlines are event-time timers and findings are
 * emitted as soon as the state supports them. Bounded ({@code streaming=false}): everything is
 * evaluated once at the end of input, as of {@code asOfMillis}.
 */
public record DetectionConfig(
    boolean streaming,
    String rulesDir,
    Duration maxOutOfOrderness,
    Long asOfMillis,
    Duration maxClockSkew)
    implements Serializable {

  /**
   * {@code maxClockSkew}: how far after its arrival an event may be stamped before it is refused.
   */
  public DetectionConfig {
    if (maxClockSkew == null) {
      maxClockSkew = ClockSkewCheck.DEFAULT_MAX_SKEW;
    }
  }

  public DetectionConfig(
      boolean streaming, String rulesDir, Duration maxOutOfOrderness, Long asOfMillis) {
    this(streaming, rulesDir, maxOutOfOrderness, asOfMillis, null);
  }

  public static DetectionConfig streaming(String rulesDir) {
    return new DetectionConfig(true, rulesDir, Duration.ofMinutes(15), null);
  }

  /** A bounded run; {@code asOfMillis} null means "the latest event time". */
  public static DetectionConfig bounded(String rulesDir, Long asOfMillis) {
    return new DetectionConfig(false, rulesDir, Duration.ofMinutes(15), asOfMillis);
  }
}
