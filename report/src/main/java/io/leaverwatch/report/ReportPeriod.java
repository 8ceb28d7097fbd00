package io.leaverwatch.report;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The period a report covers, {@code [from, to)} in UTC: an ISO week ({@code 2026-W41}, Monday
 * 00:00 to the next Monday) or whole days ({@code --from 2026-10-05 --to 2026-10-11}, both days
 * included).
 */
public record ReportPeriod(String label, Instant from, Instant to) {
  private static final Pattern WEEK = Pattern.compile("(\\d{4})-W(\\d{2})");

  public ReportPeriod {
    if (!from.isBefore(to)) {
      throw new ReportInputException("the period is empty: " + from + " is not before " + to);
    }
  }

  public static ReportPeriod ofIsoWeek(String week) {
    Matcher m = WEEK.matcher(week == null ? "" : week.trim());
    if (!m.matches()) {
      throw new ReportInputException(
          "--week '" + week + "' is not an ISO week: write it as YYYY-Www, e.g. 2026-W41");
    }
    int year = Integer.parseInt(m.group(1));
    int w = Integer.parseInt(m.group(2));
    LocalDate mid = LocalDate.of(year, 6, 1);
    long weeks = mid.range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum();
    if (w < 1 || w > weeks) {
      throw new ReportInputException(
          "--week '" + week + "': " + year + " has ISO weeks W01 to W" + weeks);
    }
    LocalDate monday =
        mid.with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, w)
            .with(java.time.temporal.ChronoField.DAY_OF_WEEK, 1);
    return new ReportPeriod(
        String.format(Locale.ROOT, "%04d-W%02d", year, w),
        monday.atStartOfDay(ZoneOffset.UTC).toInstant(),
        monday.plusDays(7).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** Whole UTC days, both included. */
  public static ReportPeriod ofDays(String from, String to) {
    LocalDate f = day("--from", from);
    LocalDate t = day("--to", to);
    if (t.isBefore(f)) {
      throw new ReportInputException("--to " + to + " is before --from " + from);
    }
    return new ReportPeriod(
        f + " to " + t,
        f.atStartOfDay(ZoneOffset.UTC).toInstant(),
        t.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  private static LocalDate day(String flag, String value) {
    try {
      return LocalDate.parse(value == null ? "" : value.trim());
    } catch (DateTimeParseException e) {
      throw new ReportInputException(
          flag + " '" + value + "' is not a date: write it as YYYY-MM-DD, e.g. 2026-10-05");
    }
  }

  public boolean contains(Instant t) {
    return t != null && !t.isBefore(from) && t.isBefore(to);
  }

  /** The ISO week (UTC) an instant falls in, as {@code 2026-W41}. */
  public static String isoWeekOf(Instant t) {
    LocalDate d = t.atZone(ZoneOffset.UTC).toLocalDate();
    return String.format(
        Locale.ROOT,
        "%04d-W%02d",
        d.get(IsoFields.WEEK_BASED_YEAR),
        d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }

  /** The {@code n} ISO weeks ending with the one holding the end of this period, oldest first. */
  public List<ReportPeriod> trailingWeeks(int n) {
    LocalDate last = to.minusMillis(1).atZone(ZoneOffset.UTC).toLocalDate().with(DayOfWeek.MONDAY);
    List<ReportPeriod> out = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) {
      LocalDate monday = last.minusWeeks(i);
      out.add(
          new ReportPeriod(
              isoWeekOf(monday.atStartOfDay(ZoneOffset.UTC).toInstant()),
              monday.atStartOfDay(ZoneOffset.UTC).toInstant(),
              monday.plusDays(7).atStartOfDay(ZoneOffset.UTC).toInstant()));
    }
    return out;
  }
}
