package io.leaverwatch.anomaly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains the detector on person-days of ordinary behaviour: the caller leaves out the scored
 * windows of leavers. One peer model per role with at least {@code min_peers_per_role} people, a
 * global one for everyone, and the threshold: the training scores' quantile that lets through
 * {@code alert_budget_per_1000} findings per 1,000 person-days.
 */
public final class AnomalyTrainer {
  private AnomalyTrainer() {}

  /**
   * @param days training person-days per person
   * @param roles the role of each person (absent: no role, the global model)
   */
  public static AnomalyModel train(
      AnomalyRules rules, Map<String, List<PersonDay>> days, Map<String, String> roles) {
    Map<String, List<double[]>> rowsByRole = new TreeMap<>();
    Map<String, Integer> peoplePerRole = new TreeMap<>();
    List<double[]> all = new ArrayList<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Map.Entry<String, List<PersonDay>> e : new TreeMap<>(days).entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      String role = roles.getOrDefault(e.getKey(), "unknown");
      peoplePerRole.merge(role, 1, Integer::sum);
      List<double[]> rows = rowsByRole.computeIfAbsent(role, r -> new ArrayList<>());
      for (PersonDay d : e.getValue()) {
        rows.add(d.values());
        all.add(d.values());
        first = Math.min(first, d.day());
        last = Math.max(last, d.day());
      }
    }
    if (all.size() < 2) {
      throw new IllegalArgumentException(
          "too little history to train on: "
              + all.size()
              + " person-day(s) outside scored windows");
    }
    long seed = rules.forest().seed();
    int people = peoplePerRole.values().stream().mapToInt(Integer::intValue).sum();
    PeerModel global = PeerModel.train("global", people, all, rules, seed);
    Map<String, PeerModel> models = new HashMap<>();
    for (Map.Entry<String, List<double[]>> e : rowsByRole.entrySet()) {
      if (!e.getKey().equals("unknown")
          && peoplePerRole.get(e.getKey()) >= rules.minPeersPerRole()) {
        models.put(
            e.getKey(),
            PeerModel.train(
                e.getKey(),
                peoplePerRole.get(e.getKey()),
                e.getValue(),
                rules,
                seed ^ e.getKey().hashCode()));
      }
    }
    AnomalyModel draft =
        new AnomalyModel(
            rules, models, global, 0, new double[0], peoplePerRole, first, last, all.size());
    AnomalyScorer scorer = new AnomalyScorer(draft);
    double[] scores = new double[all.size()];
    int n = 0;
    for (Map.Entry<String, List<PersonDay>> e : new TreeMap<>(days).entrySet()) {
      String role = roles.get(e.getKey());
      for (PersonDay d : e.getValue()) {
        scores[n++] = scorer.score(d, role).score();
      }
    }
    Arrays.sort(scores);
    double threshold = quantile(scores, 1 - rules.alertBudgetPer1000() / 1000.0);
    double[] q = new double[AnomalyModel.QUANTILES.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = quantile(scores, AnomalyModel.QUANTILES[i]);
    }
    return new AnomalyModel(
        rules, models, global, threshold, q, peoplePerRole, first, last, all.size());
  }

  /** The {@code p} quantile of sorted values (nearest rank, so the budget is not exceeded). */
  static double quantile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }
}
