package io.leaverwatch.anomaly;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores a person-day with both views and explains it. The peers' view is the role model's
 * Isolation Forest score; the own view is the mean of the three largest robust z-scores of the
 * day's features against the person's own past (a burst moves several features at once, noise
 * usually one), mapped to [0, 1) by z / (z + {@value #OWN_HALF}). The combined score is their mean,
 * or the peers' score alone for a person with too little history of their own.
 */
public final class AnomalyScorer {
  /** The own-history z-score that maps to 0.5. */
  static final double OWN_HALF = 8.0;

  private final AnomalyModel model;

  public AnomalyScorer(AnomalyModel model) {
    this.model = model;
  }

  public DayScore score(PersonDay d, String role) {
    AnomalyRules rules = model.rules();
    PeerModel peers = model.peersOf(role);
    double peer = peers.score(d.values());
    double[] ownTop = new double[3];
    List<DayScore.Reason> reasons = new ArrayList<>();
    for (int f = 0; f < rules.featureCount(); f++) {
      FeatureDefinition def = rules.features().get(f);
      double x = d.values()[f];
      double zRole = Robust.z(x, peers.median(f), peers.spread(f), def.minSpread());
      Double ownMedian = null;
      double zOwn = 0;
      if (d.hasOwnHistory()) {
        ownMedian = d.ownMedian()[f];
        zOwn = Robust.z(x, ownMedian, d.ownSpread()[f], def.minSpread());
        insertTop(ownTop, zOwn);
      }
      double z = d.hasOwnHistory() ? Math.min(zRole, zOwn) : zRole;
      // a feature explains the day when it is above both the role and the person's own habits
      if (zRole > 1 && (!d.hasOwnHistory() || zOwn > 1)) {
        reasons.add(new DayScore.Reason(f, def.name(), x, peers.median(f), ownMedian, z));
      }
    }
    reasons.sort(
        Comparator.comparingDouble((DayScore.Reason r) -> -r.z())
            .thenComparing(DayScore.Reason::name));
    List<DayScore.Reason> top = List.copyOf(reasons.subList(0, Math.min(3, reasons.size())));
    double ownZ = (ownTop[0] + ownTop[1] + ownTop[2]) / 3;
    double own = ownZ / (ownZ + OWN_HALF);
    double score = d.hasOwnHistory() ? (peer + own) / 2 : peer;
    String name = peers == model.global() ? "global" : "role:" + peers.role();
    return new DayScore(d, name, score, peer, own, top);
  }

  /** Keeps the three largest positive values, largest first. */
  private static void insertTop(double[] top, double z) {
    if (z <= top[2]) {
      return;
    }
    int i = 2;
    while (i > 0 && z > top[i - 1]) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = z;
  }

  /** The words of one reason: "git.clone: 46 in a day; role median 3; own median 2". */
  public static String describe(FeatureDefinition def, DayScore.Reason r) {
    String unit = def.unit() == FeatureDefinition.Unit.SHARE ? " of the day" : " in a day";
    return def.name()
        + ": "
        + def.format(r.value())
        + unit
        + "; role median "
        + def.format(r.roleMedian())
        + "; own median "
        + (r.ownMedian() == null ? "n/a (too little history)" : def.format(r.ownMedian()));
  }
}
