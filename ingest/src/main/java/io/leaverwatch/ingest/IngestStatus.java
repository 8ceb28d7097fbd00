package io.leaverwatch.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counters behind the status line: events/s, pages, and how far behind "now" the newest event is.
 */
public final class IngestStatus {
  private final String name;
  private final Clock clock;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong pages = new AtomicLong();
  private final AtomicReference<Instant> newest = new AtomicReference<>();
  private long lastEvents;
  private Instant lastAt;

  public IngestStatus(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
    this.lastAt = clock.instant();
  }

  public void page(int delivered, Instant newestEventTime) {
    pages.incrementAndGet();
    events.addAndGet(delivered);
    if (newestEventTime != null) {
      newest.accumulateAndGet(newestEventTime, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }
  }

  public long events() {
    return events.get();
  }

  public long pages() {
    return pages.get();
  }

  /** One status line; the rate is over the time since the previous call. */
  public synchronized String line() {
    Instant now = clock.instant();
    long total = events.get();
    double seconds = Math.max(0.001, Duration.between(lastAt, now).toMillis() / 1000.0);
    double rate = (total - lastEvents) / seconds;
    lastEvents = total;
    lastAt = now;
    Instant n = newest.get();
    String lag = n == null ? "n/a" : format(Duration.between(n, now));
    return String.format(
        "%s: %.1f events/s, %d events, %d pages, lag %s", name, rate, total, pages.get(), lag);
  }

  static String format(Duration d) {
    if (d.isNegative()) {
      return "0s";
    }
    long s = d.getSeconds();
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    return (s / 3600) + "h" + ((s % 3600) / 60) + "m";
  }
}
