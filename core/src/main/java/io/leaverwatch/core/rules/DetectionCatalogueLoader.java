package io.leaverwatch.core.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads {@code rules/detections/*.yaml}, one file per finding rule, and holds each to the {@link
 * DetectionSpec} of the code that implements it. Every problem fails with {@code file:line: field:
 * reason}, like the other rule files.
 */
public final class DetectionCatalogueLoader {
  private static final Pattern MITRE = Pattern.compile("T\\d{4}(\\.\\d{3})?");

  private DetectionCatalogueLoader() {}

  public static DetectionCatalogue load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new RuleFileException(dir + ": detection catalogue folder not found");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new RuleFileException(dir + ": " + e.getMessage(), e);
    }
    Map<String, DetectionRule> rules = new TreeMap<>();
    for (Path f : files) {
      String stem = stem(f);
      if (DetectionSpec.OTHER_LOADERS.contains(stem)) {
        continue;
      }
      DetectionRule r = loadRule(f);
      rules.put(r.id(), r);
    }
    for (String id : DetectionSpec.ALL.keySet()) {
      if (!rules.containsKey(id)) {
        throw new RuleFileException(
            dir.resolve(id + ".yaml")
                + ":1: file is missing (the detectors implement '"
                + id
                + "')");
      }
    }
    return new DetectionCatalogue(rules);
  }

  public static DetectionRule loadRule(Path file) {
    DetectionFile df = RuleSetLoader.readStrict(file, DetectionFile.class);
    Lines lines = new Lines(file);
    lines.require(df.id != null && !df.id.isBlank(), "id", "is required");
    lines.require(
        df.id.equals(stem(file)),
        "id",
        "'" + df.id + "' must match the file name '" + stem(file) + "'");
    DetectionSpec spec = DetectionSpec.ALL.get(df.id);
    lines.require(
        spec != null,
        "id",
        "no detector implements '" + df.id + "'; known: " + DetectionSpec.ALL.keySet());
    lines.requireText(df.name, "name");
    lines.requireText(df.description, "description");
    lines.requireText(df.triage, "triage");
    lines.requireText(df.version, "version");
    lines.require(
        df.findingRuleId != null && df.findingRuleId.startsWith("role/{role}/"),
        "finding_rule_id",
        "is required: the rule_id its findings carry, 'role/{role}/...'");
    lines.require(
        df.falsePositives != null && !df.falsePositives.isEmpty(),
        "false_positives",
        "lists at least one known false positive");
    lines.require(df.references != null, "references", "is required (may be an empty list)");
    lines.require(df.mitre != null, "mitre", "is required (may be an empty list)");
    for (int i = 0; i < df.mitre.size(); i++) {
      String t = df.mitre.get(i);
      lines.require(
          t != null && MITRE.matcher(t).matches(),
          "mitre",
          "mitre[" + i + "]: '" + t + "' is not an ATT&CK technique id (T1234 or T1234.001)");
    }
    FindingType type =
        enumOf(lines, FindingType.class, df.findingType, "finding_type", "finding_type");
    lines.require(
        type == spec.findingType(),
        "finding_type",
        "'" + df.id + "' raises " + spec.findingType() + ", not " + type);
    lines.require(df.severity != null, "severity", "is required");
    Severity def =
        enumOf(lines, Severity.class, df.severity.defaultSeverity, "default", "severity.default");
    Map<String, Severity> cases = new HashMap<>();
    cases(lines, df.severity.raised, "raised", spec.raised(), def, +1, cases);
    cases(lines, df.severity.lowered, "lowered", spec.lowered(), def, -1, cases);
    Map<String, Duration> windows = new HashMap<>();
    Map<String, String> givenWindows = df.windows == null ? Map.of() : df.windows;
    sameKeys(lines, "windows", givenWindows.keySet(), spec.windows());
    for (Map.Entry<String, String> w : givenWindows.entrySet()) {
      Duration d;
      try {
        d = Durations.parse(w.getValue());
      } catch (IllegalArgumentException e) {
        throw lines.error(w.getKey(), "windows." + w.getKey(), e.getMessage());
      }
      if (w.getKey().equals("aggregation")) {
        // state keeps activity in hourly buckets: a window is a whole number of them
        lines.require(
            d.toMinutes() % 60 == 0 && d.toHours() >= 1 && d.toHours() <= 24,
            w.getKey(),
            "windows.aggregation",
            "must be a whole number of hours from 1h to 24h, got " + w.getValue());
      } else if (w.getKey().equals("lookback")) {
        lines.require(
            d.toHours() % 24 == 0 && d.toDays() >= 1 && d.toDays() <= 90,
            w.getKey(),
            "windows.lookback",
            "must be a whole number of days from 1d to 90d, got " + w.getValue());
      } else {
        lines.require(
            !d.isNegative() && !d.isZero(),
            w.getKey(),
            "windows." + w.getKey(),
            "must be positive");
      }
      windows.put(w.getKey(), d);
    }
    Map<String, Long> thresholds = df.thresholds == null ? Map.of() : df.thresholds;
    sameKeys(lines, "thresholds", thresholds.keySet(), spec.thresholds().keySet());
    for (Map.Entry<String, Long> t : thresholds.entrySet()) {
      long[] bounds = spec.thresholds().get(t.getKey());
      long v = t.getValue() == null ? Long.MIN_VALUE : t.getValue();
      if (v < bounds[0] || v > bounds[1]) {
        throw lines.error(
            t.getKey(),
            "thresholds." + t.getKey(),
            "must be between " + bounds[0] + " and " + bounds[1] + ", got " + t.getValue());
      }
    }
    return new DetectionRule(
        df.id, df.name, type, df.version, def, cases, windows, thresholds, file.toString());
  }

  private static void cases(
      Lines lines,
      List<CaseFile> given,
      String field,
      Set<String> expected,
      Severity def,
      int direction,
      Map<String, Severity> out) {
    List<CaseFile> list = given == null ? List.of() : given;
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < list.size(); i++) {
      CaseFile c = list.get(i);
      String f = "severity." + field + "[" + i + "]";
      lines.require(c.name != null, f + ".case", "is required");
      lines.require(
          expected.contains(c.name),
          c.name,
          f + ".case",
          "'"
              + c.name
              + "' is not a case this rule's code has; expected "
              + new TreeSet<>(expected));
      lines.require(names.add(c.name), c.name, f + ".case", "'" + c.name + "' is given twice");
      lines.requireText(c.when, f + ".when");
      Severity s = enumOf(lines, Severity.class, c.to, c.name, f + ".to");
      lines.require(
          Integer.signum(Integer.compare(rank(s), rank(def))) == direction,
          c.name,
          f + ".to",
          s + " is not " + (direction > 0 ? "above" : "below") + " the default " + def);
      out.put(c.name, s);
    }
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(names);
    lines.require(missing.isEmpty(), "severity." + field, "is missing the case(s) " + missing);
  }

  private static void sameKeys(Lines lines, String field, Set<String> given, Set<String> expected) {
    for (String k : given) {
      lines.require(
          expected.contains(k),
          k,
          field + "." + k,
          "unknown " + field + " name; this rule's code reads " + new TreeSet<>(expected));
    }
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(given);
    lines.require(missing.isEmpty(), field, "is missing " + missing);
  }

  private static <E extends Enum<E>> E enumOf(
      Lines lines, Class<E> type, String v, String near, String field) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name());
      if (e.name().equals(v)) {
        return e;
      }
    }
    throw lines.error(near, field, "must be one of " + names + ", got '" + v + "'");
  }

  /** INFO < LOW < MEDIUM < HIGH < CRITICAL (the Avro enum lists INFO last, for compatibility). */
  public static int rank(Severity s) {
    return s == Severity.INFO ? 0 : s.ordinal() + 1;
  }

  private static String stem(Path f) {
    return f.getFileName().toString().replaceFirst("\\.ya?ml$", "");
  }

  /** Error positions: the first line that names the field. */
  private static final class Lines {
    private final Path file;
    private final List<String> text;

    Lines(Path file) {
      this.file = file;
      List<String> t;
      try {
        t = Files.readAllLines(file);
      } catch (IOException e) {
        t = List.of();
      }
      this.text = t;
    }

    int lineOf(String key) {
      String leaf = key.replaceAll("^.*\\.", "").replaceAll("\\[\\d+]", "");
      Pattern p = Pattern.compile("(^|[\\s{,\\-])" + Pattern.quote(leaf) + "\\s*:");
      Pattern value = Pattern.compile(":\\s*" + Pattern.quote(leaf) + "\\s*([,}]|$)");
      for (int i = 0; i < text.size(); i++) {
        if (p.matcher(text.get(i)).find() || value.matcher(text.get(i)).find()) {
          return i + 1;
        }
      }
      return 1;
    }

    RuleFileException error(String near, String field, String reason) {
      return new RuleFileException(file + ":" + lineOf(near) + ": " + field + ": " + reason);
    }

    void require(boolean ok, String field, String reason) {
      require(ok, field, field, reason);
    }

    void require(boolean ok, String near, String field, String reason) {
      if (!ok) {
        throw error(near, field, reason);
      }
    }

    void requireText(String v, String field) {
      require(v != null && !v.isBlank(), field, "is required");
    }
  }

  // --- the file shape (strict: unknown fields fail) ---

  static final class DetectionFile {
    @JsonProperty("id")
    String id;

    @JsonProperty("name")
    String name;

    @JsonProperty("finding_type")
    String findingType;

    @JsonProperty("version")
    String version;

    @JsonProperty("description")
    String description;

    @JsonProperty("finding_rule_id")
    String findingRuleId;

    @JsonProperty("severity")
    SeverityFile severity;

    @JsonProperty("windows")
    Map<String, String> windows;

    @JsonProperty("thresholds")
    Map<String, Long> thresholds;

    @JsonProperty("triage")
    String triage;

    @JsonProperty("false_positives")
    List<String> falsePositives;

    @JsonProperty("mitre")
    List<String> mitre;

    @JsonProperty("references")
    List<String> references;

    @JsonProperty("examples")
    List<Map<String, Object>> examples;
  }

  static final class SeverityFile {
    @JsonProperty("default")
    String defaultSeverity;

    @JsonProperty("note")
    String note;

    @JsonProperty("raised")
    List<CaseFile> raised;

    @JsonProperty("lowered")
    List<CaseFile> lowered;
  }

  static final class CaseFile {
    @JsonProperty("case")
    String name;

    @JsonProperty("to")
    String to;

    @JsonProperty("when")
    String when;
  }
}
