package io.leaverwatch.anomaly;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bounded detector: which days train, which are scored, and the findings of the scored days
 * above the threshold. Pure: the CLI reads the files, the streaming job would feed the same calls.
 */
public final class AnomalyDetection {
  private AnomalyDetection() {}

  /** The latest departure of each person (a later record replaces an earlier one). */
  public static Map<String, Departure> latest(List<Departure> departures) {
    Map<String, Departure> out = new LinkedHashMap<>();
    for (Departure d : departures) {
      out.put(d.getPersonId(), d);
    }
    return out;
  }

  /** Each person's role: from their departure, else from {@code declared}. */
  public static Map<String, String> roles(
      List<Departure> departures, Map<String, String> declared) {
    Map<String, String> roles = new TreeMap<>(declared);
    for (Departure d : departures) {
      if (d.getRole() != null && !d.getRole().isBlank()) {
        roles.put(d.getPersonId(), d.getRole());
      }
    }
    return roles;
  }

  /** Every person-day outside the scored windows of the people who have left or are leaving. */
  public static Map<String, List<PersonDay>> trainingDays(
      PersonDays.Extraction x, List<Departure> departures, AnomalyRules rules) {
    Map<String, Departure> deps = latest(departures);
    Map<String, List<PersonDay>> out = new TreeMap<>();
    for (Map.Entry<String, List<PersonDay>> e : x.days().entrySet()) {
      Departure d = deps.get(e.getKey());
      ScoredWindow w = d == null ? null : ScoredWindow.of(d, rules);
      List<PersonDay> keep = new ArrayList<>();
      for (PersonDay day : e.getValue()) {
        if (w == null || !w.contains(day.day())) {
          keep.add(day);
        }
      }
      out.put(e.getKey(), keep);
    }
    return out;
  }

  /** Trains on the input's own history: what {@code detect} without {@code --model} does. */
  public static AnomalyModel train(
      AnomalyRules rules,
      PersonDays.Extraction x,
      List<Departure> departures,
      Map<String, String> declaredRoles) {
    return AnomalyTrainer.train(
        rules, trainingDays(x, departures, rules), roles(departures, declaredRoles));
  }

  /** The score of every day in a scored window, by person then day. */
  public static List<DayScore> scoreWindows(
      AnomalyModel model, PersonDays.Extraction x, List<Departure> departures) {
    AnomalyScorer scorer = new AnomalyScorer(model);
    List<DayScore> out = new ArrayList<>();
    for (Departure d : latest(departures).values()) {
      if (!ScoredWindow.scored(d)) {
        continue;
      }
      ScoredWindow w = ScoredWindow.of(d, model.rules());
      for (PersonDay day : x.days().getOrDefault(d.getPersonId(), List.of())) {
        if (w.contains(day.day())) {
          out.add(scorer.score(day, d.getRole()));
        }
      }
    }
    return out;
  }

  /** The findings: scored days above the threshold, sorted by finding_id. */
  public static List<Finding> findings(
      AnomalyModel model, List<DayScore> scored, List<Departure> departures, String modelVersion) {
    Map<String, Departure> deps = latest(departures);
    List<Finding> out = new ArrayList<>();
    for (DayScore s : scored) {
      if (isAlert(model, s)) {
        out.add(AnomalyFindings.of(s, deps.get(s.day().personId()), model, modelVersion));
      }
    }
    out.sort(Comparator.comparing(Finding::getFindingId));
    return out;
  }

  /**
   * The finding of one closed day, or null: the day must lie in the scored window of a departure
   * that is not rescinded and score above the threshold. The streaming job calls this at the end of
   * each day; {@link #scoreWindows} and {@link #findings} give the same for a bounded input.
   */
  public static Finding findingOf(
      AnomalyModel model, AnomalyScorer scorer, PersonDay day, Departure d, String modelVersion) {
    if (d == null
        || !ScoredWindow.scored(d)
        || !ScoredWindow.of(d, model.rules()).contains(day.day())) {
      return null;
    }
    DayScore s = scorer.score(day, d.getRole());
    return isAlert(model, s) ? AnomalyFindings.of(s, d, model, modelVersion) : null;
  }

  /** Above the budget's threshold and the lowest band, with at least one feature to name. */
  public static boolean isAlert(AnomalyModel model, DayScore s) {
    return s.score() > model.threshold()
        && s.score() >= model.rules().bands().get(0).minScore()
        && !s.top().isEmpty();
  }
}
