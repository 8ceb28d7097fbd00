package io.leaverwatch.ingest;

import java.time.Duration;

/** Waits; injected so tests move a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  Sleeper REAL =
      d -> {
        if (!d.isNegative() && !d.isZero()) {
          Thread.sleep(d.toMillis());
        }
      };
}
