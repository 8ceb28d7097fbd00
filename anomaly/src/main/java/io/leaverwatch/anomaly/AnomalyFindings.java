package io.leaverwatch.anomaly;

import io.leaverwatch.core.detect.FindingIds;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** An ANOMALOUS_ACTIVITY finding from a scored day above the threshold. */
public final class AnomalyFindings {
  private AnomalyFindings() {}

  /** The ISO date of a day. */
  public static String date(long day) {
    return LocalDate.ofEpochDay(day).toString();
  }

  /** The finding's id: type, person, rule and day, so a rerun upserts the same document. */
  public static String findingId(String personId, String ruleId, long day) {
    return FindingIds.of(FindingType.ANOMALOUS_ACTIVITY.name(), personId, ruleId, date(day));
  }

  public static Finding of(DayScore s, Departure d, AnomalyModel model, String modelVersion) {
    AnomalyRules rules = model.rules();
    PersonDay day = s.day();
    List<String> words = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>();
    Source source = null;
    boolean oneSource = true;
    for (DayScore.Reason r : s.top()) {
      FeatureDefinition def = rules.features().get(r.feature());
      words.add(AnomalyScorer.describe(def, r));
      ids.addAll(day.evidence().get(r.feature()));
      if (def.sources().size() == 1) {
        Source only = def.sources().iterator().next();
        oneSource &= source == null || source == only;
        source = only;
      } else {
        oneSource = false;
      }
    }
    String summary =
        String.format(
            Locale.ROOT,
            "Unusual activity on %s (score %.2f, threshold %.2f) for a %s in their last weeks: %s",
            date(day.day()),
            s.score(),
            model.threshold(),
            d.getRole() == null ? "leaver" : d.getRole(),
            words.isEmpty() ? "no single feature stands out" : String.join(" | ", words));
    Map<String, String> details = new TreeMap<>();
    details.put("day", date(day.day()));
    details.put("score", String.format(Locale.ROOT, "%.4f", s.score()));
    details.put("threshold", String.format(Locale.ROOT, "%.4f", model.threshold()));
    details.put("peer_score", String.format(Locale.ROOT, "%.4f", s.peer()));
    details.put("own_score", String.format(Locale.ROOT, "%.4f", s.own()));
    details.put("model", s.model());
    details.put("model_version", modelVersion);
    details.put("own_history", day.hasOwnHistory() ? "yes" : "no");
    for (int i = 0; i < words.size(); i++) {
      details.put("feature_" + (i + 1), words.get(i));
    }
    return Finding.newBuilder()
        .setFindingId(findingId(day.personId(), rules.ruleId(), day.day()))
        .setType(FindingType.ANOMALOUS_ACTIVITY)
        .setSeverity(Severity.valueOf(rules.severityOf(s.score())))
        .setPersonId(day.personId())
        .setEmail(d.getEmail())
        .setRole(d.getRole())
        .setSource(oneSource ? source : null)
        .setIdentity(null)
        .setAction(s.top().isEmpty() ? null : s.top().get(0).name())
        .setFirstSeen(Instant.ofEpochMilli(day.firstSeen()))
        .setLastSeen(Instant.ofEpochMilli(day.lastSeen()))
        .setEventCount(day.eventCount())
        .setEventIds(new ArrayList<>(ids))
        .setDepartedAt(d.getDepartedAt())
        .setRuleId(rules.ruleId())
        .setRuleVersion(rules.version())
        .setSummary(summary)
        .setDetails(details)
        .setEvidence(new ArrayList<>())
        .build();
  }
}
