package io.leaverwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.anomaly.AnomalyDetection;
import io.leaverwatch.anomaly.AnomalyModel;
import io.leaverwatch.anomaly.AnomalyRules;
import io.leaverwatch.anomaly.AnomalyRulesLoader;
import io.leaverwatch.anomaly.DayScore;
import io.leaverwatch.anomaly.ModelDirectory;
import io.leaverwatch.anomaly.ModelDirectoryException;
import io.leaverwatch.anomaly.PersonDays;
import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.IdentityLink;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ANOMALOUS_ACTIVITY in {@code detect}: with {@code --model}, the trained detector of that model
 * directory; without, one trained on the run's own input first (a forensic run stays one command).
 * The findings join the job's in the output file, which stays sorted by finding_id.
 */
final class AnomalyStep {
  private final Path rulesDir;
  private final AnomalyRules rules;
  private final ModelDirectory.Loaded loaded;

  private AnomalyStep(Path rulesDir, AnomalyRules rules, ModelDirectory.Loaded loaded) {
    this.rulesDir = rulesDir;
    this.rules = rules;
    this.loaded = loaded;
  }

  /**
   * Checks the model directory (or the rule file) before the job runs: a bad one is a usage error
   * (exit 2). Without a model and without the rule file the step is skipped (null).
   */
  static AnomalyStep prepare(Path modelDir, Path rulesDir, PrintWriter err) {
    try {
      if (modelDir != null) {
        ModelDirectory.Loaded m = ModelDirectory.load(modelDir);
        return new AnomalyStep(rulesDir, m.model().rules(), m);
      }
      if (!Files.exists(rulesDir.resolve(AnomalyRulesLoader.RELATIVE_PATH))) {
        err.printf(
            "detect: no %s in %s: ANOMALOUS_ACTIVITY skipped%n",
            AnomalyRulesLoader.RELATIVE_PATH, rulesDir);
        return null;
      }
      return new AnomalyStep(rulesDir, AnomalyRulesLoader.loadFromRulesDir(rulesDir), null);
    } catch (ModelDirectoryException | RuleFileException e) {
      throw new UsageException((modelDir != null ? "--model: " : "") + e.getMessage(), e);
    }
  }

  /** Scores the leavers' windows and merges the findings into {@code out}; returns how many. */
  int appendTo(
      Path out,
      List<Path> events,
      List<Departure> departures,
      List<IdentityLink> identities,
      PrintWriter err)
      throws IOException {
    long start = System.nanoTime();
    PersonDays.Extraction x =
        PersonDays.read(rules, ActionClassifier.load(rulesDir), events, departures, identities);
    AnomalyModel model;
    String version;
    if (loaded != null) {
      model = loaded.model();
      version = loaded.version();
    } else {
      try {
        model = AnomalyDetection.train(rules, x, departures, Map.of());
      } catch (IllegalArgumentException e) {
        err.printf("detect: ANOMALOUS_ACTIVITY skipped: %s%n", e.getMessage());
        return 0;
      }
      version = "trained-on-input";
    }
    List<DayScore> scored = AnomalyDetection.scoreWindows(model, x, departures);
    List<Finding> findings = AnomalyDetection.findings(model, scored, departures, version);
    merge(out, findings);
    err.printf(
        "detect: ANOMALOUS_ACTIVITY: %d finding(s) over %d scored person-day(s), model %s,"
            + " threshold %.4f, %.1f s%n",
        findings.size(),
        scored.size(),
        version,
        model.threshold(),
        (System.nanoTime() - start) / 1e9);
    return findings.size();
  }

  /** Adds findings to an NDJSON file of findings, keeping it sorted by finding_id. */
  static void merge(Path out, List<Finding> findings) throws IOException {
    if (findings.isEmpty()) {
      return;
    }
    ObjectMapper json = new ObjectMapper();
    TreeMap<String, String> byId = new TreeMap<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        byId.put(json.readTree(line).path("finding_id").asText(), line);
      }
    }
    for (Finding f : findings) {
      byId.put(f.getFindingId(), RecordJson.toJson(f));
    }
    List<String> lines = new ArrayList<>(byId.values());
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
