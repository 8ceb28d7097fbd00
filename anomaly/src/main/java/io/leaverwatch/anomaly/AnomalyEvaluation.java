package io.leaverwatch.anomaly;

import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.testkit.generate.AnomalyScenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code leaverwatch eval anomaly}: generates an organisation with injected pre-departure patterns
 * ({@link AnomalyScenario}), trains on it as {@code detect} would (its own input, the scored
 * windows left out), scores the leavers' windows and compares the findings with the injections.
 */
public final class AnomalyEvaluation {
  /** Per pattern: injected, found, and the lowest score of an injected day. */
  public record PatternResult(
      AnomalyScenario.Pattern pattern, int injected, int found, double lowestScore) {
    public double recall() {
      return injected == 0 ? Double.NaN : (double) found / injected;
    }
  }

  /** The figures of one run. */
  public record Report(
      int people,
      int days,
      long seed,
      long events,
      int leavers,
      int usualLeavers,
      int scoredDays,
      int findings,
      int truePositives,
      int falsePositives,
      int findingsOnUsualLeavers,
      double threshold,
      List<PatternResult> patterns,
      double[] normalQuantiles,
      double[] injectedQuantiles,
      int[] normalHistogram,
      int[] injectedHistogram,
      double trainSeconds,
      double totalSeconds) {

    public double precision() {
      return findings == 0 ? Double.NaN : (double) truePositives / findings;
    }

    public double recall() {
      int inj = patterns.stream().mapToInt(PatternResult::injected).sum();
      return inj == 0 ? Double.NaN : (double) truePositives / inj;
    }

    /** Findings per 1,000 scored person-days of normal behaviour. */
    public double normalAlertRatePer1000() {
      int inj = patterns.stream().mapToInt(PatternResult::injected).sum();
      int normal = scoredDays - inj;
      return normal == 0 ? 0 : 1000.0 * falsePositives / normal;
    }

    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "eval anomaly: %d people x %d days, seed %d: %d events, %d leavers (%d behave as"
                  + " usual), %d scored person-days, threshold %.4f%n",
              people,
              days,
              seed,
              events,
              leavers,
              usualLeavers,
              scoredDays,
              threshold));
      sb.append(
          String.format(
              Locale.ROOT,
              "%-28s %8s %6s %7s %10s%n",
              "pattern",
              "injected",
              "found",
              "recall",
              "min score"));
      for (PatternResult p : patterns) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%-28s %8d %6d %7.2f %10.3f%n",
                p.pattern().name().toLowerCase(Locale.ROOT),
                p.injected(),
                p.found(),
                p.recall(),
                p.lowestScore()));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "alert rate: %.2f findings per 1,000 scored person-days; %.2f per 1,000 normal ones"
                  + " (%d false alarms)%n",
              scoredDays == 0 ? 0 : 1000.0 * findings / scoredDays,
              normalAlertRatePer1000(),
              falsePositives));
      sb.append(
          String.format(
              Locale.ROOT,
              "precision %.2f, recall %.2f (%d findings: %d true, %d false; %d on leavers who"
                  + " behaved as usual)%n",
              precision(),
              recall(),
              findings,
              truePositives,
              falsePositives,
              findingsOnUsualLeavers));
      sb.append("score distribution     p50    p90    p99    max\n");
      sb.append(quantileRow("normal days", normalQuantiles));
      sb.append(quantileRow("injected days", injectedQuantiles));
      sb.append("histogram (score band: normal / injected days)\n");
      for (int b = 0; b < normalHistogram.length; b++) {
        if (normalHistogram[b] + injectedHistogram[b] > 0) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "  [%.1f, %.1f)  %6d / %d%n",
                  b / 10.0,
                  (b + 1) / 10.0,
                  normalHistogram[b],
                  injectedHistogram[b]));
        }
      }
      sb.append(
          String.format(
              Locale.ROOT, "train %.1f s, whole run %.1f s%n", trainSeconds, totalSeconds));
      return sb.toString();
    }

    private static String quantileRow(String name, double[] q) {
      return String.format(
          Locale.ROOT, "  %-18s %6.3f %6.3f %6.3f %6.3f%n", name, q[0], q[1], q[2], q[3]);
    }
  }

  private AnomalyEvaluation() {}

  public static Report run(int people, int days, long seed, Path rulesDir, Path workDir)
      throws IOException {
    long start = System.nanoTime();
    AnomalyScenario.Result org = AnomalyScenario.generate(people, days, seed, workDir);
    AnomalyRules rules = AnomalyRulesLoader.loadFromRulesDir(rulesDir);
    ActionClassifier classifier = ActionClassifier.load(rulesDir);
    List<Departure> deps = PeopleFiles.readDepartures(workDir.resolve("departures.csv"));
    List<IdentityLink> ids = PeopleFiles.readIdentities(workDir.resolve("identities.csv"));
    PersonDays.Extraction x =
        PersonDays.read(
            rules,
            classifier,
            List.of(
                workDir.resolve("okta"), workDir.resolve("github"), workDir.resolve("cloudtrail")),
            deps,
            ids);
    long trainStart = System.nanoTime();
    AnomalyModel model = AnomalyDetection.train(rules, x, deps, org.roles());
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
    List<DayScore> scored = AnomalyDetection.scoreWindows(model, x, deps);
    List<Finding> findings = AnomalyDetection.findings(model, scored, deps, "eval");

    Map<String, AnomalyScenario.Pattern> truth = new HashMap<>();
    Map<AnomalyScenario.Pattern, Integer> injected = new EnumMap<>(AnomalyScenario.Pattern.class);
    for (AnomalyScenario.Injection i : org.injections()) {
      truth.put(i.personId() + "/" + i.day(), i.pattern());
      injected.merge(i.pattern(), 1, Integer::sum);
    }
    Set<String> usual = new HashSet<>(org.usualLeavers());
    Map<AnomalyScenario.Pattern, Integer> found = new EnumMap<>(AnomalyScenario.Pattern.class);
    int tp = 0;
    int fp = 0;
    int onUsual = 0;
    for (Finding f : findings) {
      AnomalyScenario.Pattern p = truth.get(f.getPersonId() + "/" + f.getDetails().get("day"));
      if (p != null) {
        tp++;
        found.merge(p, 1, Integer::sum);
      } else {
        fp++;
        if (usual.contains(f.getPersonId())) {
          onUsual++;
        }
      }
    }
    Map<AnomalyScenario.Pattern, Double> lowest = new EnumMap<>(AnomalyScenario.Pattern.class);
    List<Double> normal = new ArrayList<>();
    List<Double> inj = new ArrayList<>();
    int[] normalHist = new int[10];
    int[] injHist = new int[10];
    for (DayScore s : scored) {
      String key = s.day().personId() + "/" + AnomalyFindings.date(s.day().day());
      int bucket = Math.min(9, (int) Math.floor(s.score() * 10));
      if (truth.containsKey(key)) {
        lowest.merge(truth.get(key), s.score(), Math::min);
        inj.add(s.score());
        injHist[bucket]++;
      } else {
        normal.add(s.score());
        normalHist[bucket]++;
      }
    }
    List<PatternResult> patterns = new ArrayList<>();
    for (AnomalyScenario.Pattern p : AnomalyScenario.Pattern.values()) {
      patterns.add(
          new PatternResult(
              p,
              injected.getOrDefault(p, 0),
              found.getOrDefault(p, 0),
              lowest.getOrDefault(p, Double.NaN)));
    }
    return new Report(
        org.people(),
        days,
        seed,
        x.events(),
        org.leavers(),
        org.usualLeavers().size(),
        scored.size(),
        findings.size(),
        tp,
        fp,
        onUsual,
        model.threshold(),
        patterns,
        quantiles(normal),
        quantiles(inj),
        normalHist,
        injHist,
        trainSeconds,
        (System.nanoTime() - start) / 1e9);
  }

  private static double[] quantiles(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return new double[] {
      AnomalyTrainer.quantile(v, 0.5),
      AnomalyTrainer.quantile(v, 0.9),
      AnomalyTrainer.quantile(v, 0.99),
      AnomalyTrainer.quantile(v, 1.0)
    };
  }
}
