package io.leaverwatch.anomaly;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;

/**
 * The peers' view of one role (or of everyone: the global model): a Smile Isolation Forest over the
 * role's training person-days, and the median and robust spread of each feature for the
 * explanation. Counts enter the forest as log(1 + x), so a burst of 40 and one of 400 are both far
 * out without the second flattening every other split.
 */
public final class PeerModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String role;
  private final int people;
  private final int days;
  private final IsolationForest forest;
  private final double[] median;
  private final double[] spread;
  private final boolean[] logScale;

  private PeerModel(
      String role,
      int people,
      int days,
      IsolationForest forest,
      double[] median,
      double[] spread,
      boolean[] logScale) {
    this.role = role;
    this.people = people;
    this.days = days;
    this.forest = forest;
    this.median = median;
    this.spread = spread;
    this.logScale = logScale;
  }

  /**
   * Trains on {@code rows} (raw feature vectors). Each tree is grown on its own subsample drawn
   * here with a seeded generator, one tree after another on this thread with Smile's generator
   * seeded per tree: Smile 3.1.1's {@code fit} ignores {@code sampling_rate} and grows trees in a
   * parallel stream, so neither its sample nor its result would follow the seed.
   */
  public static PeerModel train(
      String role, int people, List<double[]> rows, AnomalyRules rules, long seed) {
    int n = rules.featureCount();
    boolean[] logScale = new boolean[n];
    for (int i = 0; i < n; i++) {
      logScale[i] = rules.features().get(i).unit() == FeatureDefinition.Unit.COUNT;
    }
    List<double[]> x = new ArrayList<>(rows.size());
    for (double[] r : rows) {
      x.add(transform(r, logScale));
    }
    AnomalyRules.Forest p = rules.forest();
    int sampleSize = Math.min(p.subsample(), x.size());
    IsolationTree[] trees = new IsolationTree[p.trees()];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int t = 0; t < trees.length; t++) {
      List<double[]> sample = sample(x, sampleSize, rng);
      MathEx.setSeed(rng.nextLong());
      trees[t] = new IsolationTree(sample, p.maxDepth(), 0);
    }
    IsolationForest forest = new IsolationForest(sampleSize, 0, trees);
    double[] median = new double[n];
    double[] spread = new double[n];
    double[] col = new double[rows.size()];
    for (int f = 0; f < n; f++) {
      for (int j = 0; j < rows.size(); j++) {
        col[j] = rows.get(j)[f];
      }
      double med = Robust.median(col, rows.size());
      for (int j = 0; j < rows.size(); j++) {
        col[j] = Math.abs(rows.get(j)[f] - med);
      }
      median[f] = med;
      spread[f] = 1.4826 * Robust.median(col, rows.size());
    }
    return new PeerModel(role, people, rows.size(), forest, median, spread, logScale);
  }

  /** A partial Fisher-Yates draw of {@code k} distinct rows. */
  private static List<double[]> sample(List<double[]> x, int k, SplittableRandom rng) {
    int[] idx = new int[x.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    List<double[]> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(idx.length - i);
      int tmp = idx[i];
      idx[i] = idx[j];
      idx[j] = tmp;
      out.add(x.get(idx[i]));
    }
    return out;
  }

  private static double[] transform(double[] v, boolean[] logScale) {
    double[] t = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      t[i] = logScale[i] ? Math.log1p(Math.max(0, v[i])) : v[i];
    }
    return t;
  }

  /** The Isolation Forest score in (0, 1]: near 0.5 or below is ordinary, near 1 isolated. */
  public double score(double[] values) {
    return forest.score(transform(values, logScale));
  }

  public String role() {
    return role;
  }

  public int people() {
    return people;
  }

  public int days() {
    return days;
  }

  public double median(int feature) {
    return median[feature];
  }

  public double spread(int feature) {
    return spread[feature];
  }

  public int trees() {
    return forest.size();
  }
}
