package io.leaverwatch.anomaly;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;

/**
 * The days of a departure that are scored: the notice period and the {@code
 * scored_days_before_departure} days before {@code departed_at}, up to the day that holds its last
 * moment before departure (after it, every act is already a POST_DEPARTURE_ACTIVITY finding).
 */
public record ScoredWindow(String personId, long firstDay, long lastDay) {

  public static ScoredWindow of(Departure d, AnomalyRules rules) {
    long departed = d.getDepartedAt().toEpochMilli();
    long from = departed - rules.scoredDaysBeforeDeparture() * AnomalyRules.DAY_MS;
    if (d.getNoticeAt() != null) {
      from = Math.min(from, d.getNoticeAt().toEpochMilli());
    }
    return new ScoredWindow(d.getPersonId(), rules.dayOf(from), rules.dayOf(departed - 1));
  }

  /** A rescinded departure is not scored (its days still stay out of training). */
  public static boolean scored(Departure d) {
    return d.getStatus() != DepartureStatus.RESCINDED;
  }

  public boolean contains(long day) {
    return day >= firstDay && day <= lastDay;
  }
}
