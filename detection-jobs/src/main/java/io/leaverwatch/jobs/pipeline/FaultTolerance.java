package io.leaverwatch.jobs.pipeline;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * How the streaming job meets failures. Flink's default with checkpoints on restarts at once and
 * for ever: a failure that comes back on every restart (a record a sink can never take) became a
 * loop in which nothing was delivered. Now:
 *
 * <ul>
 *   <li>a failed job restarts with exponential delay (1 s doubling to {@code restart.max_backoff},
 *       5 min by default, reset after an hour without failure), so a failure that persists costs
 *       one restart every five minutes, not a spinning CPU and a flood of logs;
 *   <li>a checkpoint that fails or expires does not fail the job: the Elasticsearch sink blocks the
 *       checkpoint while Elasticsearch is away (it retries without end rather than drop or fail),
 *       and the next checkpoint after its return completes.
 * </ul>
 */
public final class FaultTolerance {
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  static final Duration RESET_AFTER = Duration.ofHours(1);

  private FaultTolerance() {}

  public static void configure(Configuration c) {
    configure(c, MAX_BACKOFF);
  }

  /** As {@link #configure(Configuration)}, with the longest wait between restarts given. */
  public static void configure(Configuration c, Duration maxBackoff) {
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    c.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, INITIAL_BACKOFF);
    c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, maxBackoff);
    c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
    c.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
        RESET_AFTER);
    c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
    c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, Integer.MAX_VALUE);
  }
}
