package io.leaverwatch.testkit.generate;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What to generate. Validated on construction: a bad value is an {@link IllegalArgumentException}
 * naming the parameter.
 *
 * @param eventsPerDay average events per person on a working day (at least 3: every working day
 *     each person signs in from home, the office and the VPN)
 */
public record GeneratorConfig(
    int people,
    int days,
    int departures,
    long seed,
    Instant start,
    int eventsPerDay,
    String domain,
    Path out) {

  public static final Instant DEFAULT_START = Instant.parse("2026-10-01T00:00:00Z");
  public static final int DEFAULT_EVENTS_PER_DAY = 8;
  public static final String DEFAULT_DOMAIN = "corp.example.com";

  public GeneratorConfig {
    if (people < 20 || people > 1_000_000) {
      throw new IllegalArgumentException(
          "--people must be between 20 and 1000000 (shared office/VPN IPs need at least 10"
              + " users each), got "
              + people);
    }
    if (days < 5 || days > 366) {
      throw new IllegalArgumentException(
          "--days must be between 5 and 366 (departures need one day of history before and"
              + " three days of follow-up after), got "
              + days);
    }
    if (departures < 0 || departures > people - Organisation.ADMIN_COUNT) {
      throw new IllegalArgumentException(
          "--departures must be between 0 and --people minus "
              + Organisation.ADMIN_COUNT
              + " (the admins never leave), got "
              + departures);
    }
    if (start == null || start.toEpochMilli() % 86_400_000L != 0) {
      throw new IllegalArgumentException(
          "--start must be a UTC midnight such as 2026-10-01T00:00:00Z, got " + start);
    }
    if (eventsPerDay < 3 || eventsPerDay > 500) {
      throw new IllegalArgumentException(
          "--events-per-day must be between 3 and 500, got " + eventsPerDay);
    }
    if (domain == null
        || !domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
      throw new IllegalArgumentException("--domain must be a lower-case DNS name, got " + domain);
    }
    if (out == null) {
      throw new IllegalArgumentException("--out is required");
    }
  }

  public Instant end() {
    return start.plusSeconds(86_400L * days);
  }
}
