package io.leaverwatch.bench.pipeline;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles: the reported value is always one that was measured. */
public final class Percentiles {
  private Percentiles() {}

  /**
   * The smallest sample such that at least {@code p} percent of the samples are at or below it.
   *
   * @throws IllegalArgumentException when there are no samples or p is outside (0, 100]
   */
  public static long nearestRank(Collection<Long> samples, double p) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    long[] sorted = samples.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
