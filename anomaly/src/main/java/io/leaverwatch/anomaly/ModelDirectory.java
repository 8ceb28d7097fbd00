package io.leaverwatch.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;

/**
 * A trained detector on disk, versioned: {@code model.ser} (the models, Java-serialised: Smile's
 * are {@code Serializable}), {@code anomalous-activity.yaml} (the feature definitions it was
 * trained with), {@code thresholds.json}, and the model card ({@code model-card.json} and {@code
 * model-card.md}: period, people per role, feature statistics). {@code model_version} is a hash of
 * {@code model.ser}, so two directories with the same version hold the same models.
 */
public final class ModelDirectory {
  public static final String MODEL = "model.ser";
  public static final String FEATURES = "anomalous-activity.yaml";
  public static final String THRESHOLDS = "thresholds.json";
  public static final String CARD_JSON = "model-card.json";
  public static final String CARD_MD = "model-card.md";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Only our classes, Smile's and the JDK's may come out of a model file. */
  private static final ObjectInputFilter FILTER =
      ObjectInputFilter.Config.createFilter("maxdepth=64;io.leaverwatch.**;smile.**;java.**;[*;!*");

  /** A loaded model and its version. */
  public record Loaded(AnomalyModel model, String version) {}

  /** What the model card says about the training input besides the model itself. */
  public record TrainingInput(int files, long events, long unresolvedEvents, int departures) {}

  private ModelDirectory() {}

  public static String save(AnomalyModel model, Path ruleFile, TrainingInput input, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
    }
    byte[] ser = bytes.toByteArray();
    String version = version(ser);
    Files.write(dir.resolve(MODEL), ser);
    if (ruleFile != null) {
      Files.copy(
          ruleFile, dir.resolve(FEATURES), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    ObjectNode thresholds = JSON.createObjectNode();
    thresholds.put("model_version", version);
    thresholds.put("threshold", model.threshold());
    thresholds.put("alert_budget_per_1000", model.rules().alertBudgetPer1000());
    ObjectNode q = thresholds.putObject("training_score_quantiles");
    double[] qs = model.trainingQuantiles();
    for (int i = 0; i < qs.length; i++) {
      q.put(String.format(Locale.ROOT, "p%s", pct(AnomalyModel.QUANTILES[i])), qs[i]);
    }
    ArrayNode bands = thresholds.putArray("bands");
    for (AnomalyRules.Band b : model.rules().bands()) {
      bands.addObject().put("min_score", b.minScore()).put("severity", b.severity());
    }
    Files.writeString(dir.resolve(THRESHOLDS), JSON.writeValueAsString(thresholds) + "\n");
    ObjectNode card = card(model, version, input);
    Files.writeString(dir.resolve(CARD_JSON), JSON.writeValueAsString(card) + "\n");
    Files.writeString(dir.resolve(CARD_MD), markdown(model, version, input));
    return version;
  }

  public static Loaded load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModelDirectoryException(dir + ": model directory not found");
    }
    Path card = dir.resolve(CARD_JSON);
    Path model = dir.resolve(MODEL);
    for (Path p : new Path[] {card, model}) {
      if (!Files.isRegularFile(p)) {
        throw new ModelDirectoryException(p + ": missing from the model directory");
      }
    }
    JsonNode c;
    byte[] ser;
    try {
      c = JSON.readTree(card.toFile());
      ser = Files.readAllBytes(model);
    } catch (IOException e) {
      throw new ModelDirectoryException(dir + ": cannot read: " + e.getMessage(), e);
    }
    int format = c.path("format_version").asInt(-1);
    if (format != AnomalyModel.FORMAT_VERSION) {
      throw new ModelDirectoryException(
          card
              + ": format_version: "
              + format
              + " is not the supported "
              + AnomalyModel.FORMAT_VERSION
              + " (train the model again)");
    }
    String version = version(ser);
    String declared = c.path("model_version").asText("");
    if (!declared.equals(version)) {
      throw new ModelDirectoryException(
          model + ": does not match model_version " + declared + " of " + card.getFileName());
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(ser))) {
      in.setObjectInputFilter(FILTER);
      return new Loaded((AnomalyModel) in.readObject(), version);
    } catch (InvalidClassException | ClassNotFoundException | ClassCastException e) {
      throw new ModelDirectoryException(
          model + ": written by another version of leaverwatch (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new ModelDirectoryException(model + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static ObjectNode card(AnomalyModel model, String version, TrainingInput input) {
    ObjectNode c = JSON.createObjectNode();
    c.put("format_version", AnomalyModel.FORMAT_VERSION);
    c.put("model_version", version);
    c.put("rule_id", model.rules().ruleId());
    c.put("rule_version", model.rules().version());
    c.put("period_from", AnomalyFindings.date(model.firstDay()));
    c.put("period_to", AnomalyFindings.date(model.lastDay()));
    c.put("day_boundary", model.rules().dayBoundary().getId());
    c.put("training_person_days", model.trainingDays());
    if (input != null) {
      c.put("input_files", input.files());
      c.put("input_events", input.events());
      c.put("unresolved_events", input.unresolvedEvents());
      c.put("departures", input.departures());
    }
    c.put("threshold", model.threshold());
    c.put("alert_budget_per_1000", model.rules().alertBudgetPer1000());
    ObjectNode forest = c.putObject("forest");
    forest.put("trees", model.rules().forest().trees());
    forest.put("subsample", model.rules().forest().subsample());
    forest.put("max_depth", model.rules().forest().maxDepth());
    forest.put("seed", model.rules().forest().seed());
    ObjectNode people = c.putObject("people_per_role");
    for (Map.Entry<String, Integer> e : model.peoplePerRole().entrySet()) {
      ObjectNode r = people.putObject(e.getKey());
      r.put("people", e.getValue());
      PeerModel m = model.roleModels().get(e.getKey());
      r.put("model", m != null ? "role" : "global");
      if (m != null) {
        r.put("person_days", m.days());
      }
    }
    ArrayNode stats = c.putArray("features");
    for (int f = 0; f < model.rules().featureCount(); f++) {
      FeatureDefinition def = model.rules().features().get(f);
      ObjectNode s = stats.addObject();
      s.put("name", def.name());
      s.put("kind", def.kind().name().toLowerCase(Locale.ROOT));
      s.put("global_median", model.global().median(f));
      s.put("global_spread", model.global().spread(f));
      ObjectNode byRole = s.putObject("role_median");
      for (Map.Entry<String, PeerModel> e : model.roleModels().entrySet()) {
        byRole.put(e.getKey(), e.getValue().median(f));
      }
    }
    return c;
  }

  private static String markdown(AnomalyModel model, String version, TrainingInput input) {
    StringBuilder md = new StringBuilder();
    md.append("# Model card: ANOMALOUS_ACTIVITY ").append(version).append("\n\n");
    md.append("- rule: `")
        .append(model.rules().ruleId())
        .append("` version ")
        .append(model.rules().version())
        .append('\n');
    md.append("- period: ")
        .append(AnomalyFindings.date(model.firstDay()))
        .append(" to ")
        .append(AnomalyFindings.date(model.lastDay()))
        .append(" (days at UTC")
        .append(model.rules().dayBoundary().getId().equals("Z") ? "" : model.rules().dayBoundary())
        .append(")\n");
    md.append("- training person-days: ")
        .append(model.trainingDays())
        .append(" (leavers' scored windows left out)\n");
    if (input != null) {
      md.append("- input: ")
          .append(input.files())
          .append(" file(s), ")
          .append(input.events())
          .append(" events (")
          .append(input.unresolvedEvents())
          .append(" not resolved to a person), ")
          .append(input.departures())
          .append(" departure(s)\n");
    }
    md.append(
        String.format(
            Locale.ROOT,
            "- threshold: %.4f (at most %.2f findings per 1,000 training person-days)%n",
            model.threshold(),
            model.rules().alertBudgetPer1000()));
    md.append(
        String.format(
            Locale.ROOT,
            "- Isolation Forest: %d trees of %d rows each, depth <= %d, seed %d%n%n",
            model.rules().forest().trees(),
            model.rules().forest().subsample(),
            model.rules().forest().maxDepth(),
            model.rules().forest().seed()));
    md.append("## People per role\n\n| role | people | model |\n|---|---:|---|\n");
    for (Map.Entry<String, Integer> e : model.peoplePerRole().entrySet()) {
      md.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(e.getValue())
          .append(" | ")
          .append(model.roleModels().containsKey(e.getKey()) ? "own" : "global")
          .append(" |\n");
    }
    md.append("\n## Features (global median and robust spread per person-day)\n\n");
    md.append("| feature | kind | median | spread |\n|---|---|---:|---:|\n");
    for (int f = 0; f < model.rules().featureCount(); f++) {
      FeatureDefinition def = model.rules().features().get(f);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %.2f |%n",
              def.name(),
              def.kind().name().toLowerCase(Locale.ROOT),
              model.global().median(f),
              model.global().spread(f)));
    }
    return md.toString();
  }

  private static String pct(double q) {
    String s = String.format(Locale.ROOT, "%.1f", q * 100);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private static String version(byte[] ser) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(ser);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
