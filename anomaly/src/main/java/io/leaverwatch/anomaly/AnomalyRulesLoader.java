package io.leaverwatch.anomaly;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code rules/detections/anomalous-activity.yaml}. Like the other rule files, any problem
 * fails fast with {@code file:line: field: reason}: a typo must not silently drop a feature.
 */
public final class AnomalyRulesLoader {
  /** Where the rule file sits under the rules folder. */
  public static final String RELATIVE_PATH = "detections/anomalous-activity.yaml";

  private static final Set<String> SEVERITIES = Set.of("LOW", "MEDIUM", "HIGH", "CRITICAL");

  private AnomalyRulesLoader() {}

  /** The rule file of a rules folder. */
  public static AnomalyRules loadFromRulesDir(Path rulesDir) {
    return load(rulesDir.resolve(RELATIVE_PATH));
  }

  public static AnomalyRules load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new RuleFileException(file + ": rule file not found");
    }
    RuleFile f = read(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new RuleFileException(file + ": cannot read: " + e.getMessage(), e);
    }
    Lines at = new Lines(file, lines);
    at.require(f.schemaVersion != null && f.schemaVersion == 1, "schema_version", "must be 1");
    at.require(f.ruleId != null && !f.ruleId.isBlank(), "id", "is required");
    ZoneOffset offset;
    try {
      offset = ZoneOffset.of(f.dayBoundary == null ? "+00:00" : f.dayBoundary);
    } catch (DateTimeException e) {
      throw at.error("day_boundary", "'" + f.dayBoundary + "' is not a UTC offset such as +00:00");
    }
    int scoredDays = orDefault(f.scoredDaysBeforeDeparture, 30);
    at.require(scoredDays >= 1 && scoredDays <= 366, "scored_days_before_departure", "1 to 366");
    double budget = orDefault(f.alertBudgetPer1000, 1.0);
    at.require(
        budget > 0 && budget < 1000,
        "alert_budget_per_1000",
        "must be > 0 and < 1000, got " + budget);
    int minPeers = orDefault(f.minPeersPerRole, 20);
    at.require(minPeers >= 2, "min_peers_per_role", "must be at least 2");
    int minOwn = orDefault(f.minOwnDays, 7);
    at.require(minOwn >= 2, "min_own_days", "must be at least 2");
    int ownDays = orDefault(f.ownHistoryDays, 28);
    at.require(ownDays >= minOwn, "own_history_days", "must be at least min_own_days");
    int from = f.usualHours == null ? 7 : f.usualHours.from;
    int to = f.usualHours == null ? 20 : f.usualHours.to;
    at.require(
        from >= 0 && from < 24 && to > from && to <= 24,
        "default_usual_hours",
        "needs 0 <= from < to <= 24");
    double hourShare = orDefault(f.usualHourMinShare, 0.02);
    at.require(hourShare > 0 && hourShare < 1, "usual_hour_min_share", "must be in (0, 1)");
    int floorEvents = orDefault(f.shareFloorEvents, 10);
    at.require(floorEvents >= 1, "share_floor_events", "must be at least 1");
    int floorResources = orDefault(f.shareFloorResources, 5);
    at.require(floorResources >= 1, "share_floor_resources", "must be at least 1");
    at.require(f.forest != null, "forest", "is required");
    at.require(f.forest.trees >= 1 && f.forest.trees <= 1000, "forest.trees", "1 to 1000");
    at.require(f.forest.subsample >= 16, "forest.subsample", "must be at least 16");
    at.require(f.forest.maxDepth >= 2 && f.forest.maxDepth <= 64, "forest.max_depth", "2 to 64");
    at.require(f.bands != null && !f.bands.isEmpty(), "bands", "needs at least one band");
    List<AnomalyRules.Band> bands = new ArrayList<>();
    double last = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < f.bands.size(); i++) {
      BandFile b = f.bands.get(i);
      String field = "bands[" + i + "]";
      at.require(b.severity != null, field + ".severity", "is required");
      String sev = b.severity.toUpperCase(Locale.ROOT);
      at.require(
          SEVERITIES.contains(sev), field + ".severity", "must be LOW, MEDIUM, HIGH or CRITICAL");
      at.require(b.minScore > last, field + ".min_score", "bands must be listed lowest first");
      last = b.minScore;
      bands.add(new AnomalyRules.Band(b.minScore, sev));
    }
    int evidence = orDefault(f.evidencePerFeature, 5);
    at.require(evidence >= 1 && evidence <= 20, "evidence_per_feature", "1 to 20");

    List<FeatureDefinition> features = new ArrayList<>();
    Set<String> names = new HashSet<>();
    if (f.grid != null) {
      at.require(
          f.grid.sources != null && !f.grid.sources.isEmpty(),
          "counts_per_source_class.sources",
          "needs at least one source");
      at.require(
          f.grid.classes != null && !f.grid.classes.isEmpty(),
          "counts_per_source_class.classes",
          "needs at least one action class");
      for (String s : f.grid.sources) {
        Source source = enumOf(Source.class, s, at, "counts_per_source_class.sources");
        for (String c : f.grid.classes) {
          ActionClass cls = enumOf(ActionClass.class, c, at, "counts_per_source_class.classes");
          String name = source.name().toLowerCase(Locale.ROOT) + "." + cls.name();
          names.add(name);
          features.add(
              new FeatureDefinition(
                  name,
                  FeatureDefinition.Kind.COUNT,
                  FeatureDefinition.Unit.COUNT,
                  3,
                  EnumSet.of(source),
                  Set.of(),
                  EnumSet.of(cls),
                  null));
        }
      }
    }
    at.require(f.features != null, "features", "is required (may be an empty list)");
    for (int i = 0; i < f.features.size(); i++) {
      FeatureFile ff = f.features.get(i);
      String field = "features[" + i + "]";
      int line = at.lineOf("name: " + ff.name);
      at.require(line, ff.name != null && !ff.name.isBlank(), field + ".name", "is required");
      at.require(line, names.add(ff.name), field + ".name", "'" + ff.name + "' is used twice");
      at.require(line, ff.kind != null, field + ".kind", "is required");
      FeatureDefinition.Kind kind;
      try {
        kind = FeatureDefinition.Kind.valueOf(ff.kind.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw at.error(
            line,
            field + ".kind",
            "'"
                + ff.kind
                + "' must be one of count, distinct, new_resource_share,"
                + " distinct_source_ips, new_source_ips, off_hours_share, failure_share");
      }
      FeatureDefinition.Unit unit;
      try {
        unit =
            ff.unit == null
                ? defaultUnit(kind)
                : FeatureDefinition.Unit.valueOf(ff.unit.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw at.error(line, field + ".unit", "'" + ff.unit + "' must be count or share");
      }
      at.require(
          line, ff.minSpread != null && ff.minSpread > 0, field + ".min_spread", "must be > 0");
      Set<Source> sources = EnumSet.noneOf(Source.class);
      Set<ActionClass> classes = EnumSet.noneOf(ActionClass.class);
      Set<String> actions = new LinkedHashSet<>();
      if (ff.match != null) {
        if (ff.match.sources != null) {
          for (String s : ff.match.sources) {
            sources.add(enumOf(Source.class, s, at, line, field + ".match.sources"));
          }
        }
        if (ff.match.actionClasses != null) {
          for (String c : ff.match.actionClasses) {
            classes.add(enumOf(ActionClass.class, c, at, line, field + ".match.action_classes"));
          }
        }
        if (ff.match.actions != null) {
          for (String a : ff.match.actions) {
            at.require(line, a != null && !a.isBlank(), field + ".match.actions", "empty action");
            actions.add(a);
          }
        }
      }
      boolean needsMatch = kind == FeatureDefinition.Kind.COUNT || kind.usesResources();
      at.require(
          line,
          !needsMatch || ff.match != null,
          field + ".match",
          "a " + kind.name().toLowerCase(Locale.ROOT) + " feature needs a match");
      Pattern pattern = null;
      if (ff.resourcePattern != null) {
        at.require(
            line,
            kind.usesResources(),
            field + ".resource_pattern",
            "only distinct and new_resource_share features have one");
        try {
          pattern = Pattern.compile(ff.resourcePattern);
        } catch (PatternSyntaxException e) {
          throw at.error(
              line,
              field + ".resource_pattern",
              "not a valid regular expression: " + e.getDescription());
        }
      }
      features.add(
          new FeatureDefinition(
              ff.name, kind, unit, ff.minSpread, sources, Set.copyOf(actions), classes, pattern));
    }
    at.require(!features.isEmpty(), "features", "declares no feature at all");
    return new AnomalyRules(
        f.ruleId,
        f.version == null ? "1" : f.version,
        offset,
        scoredDays,
        budget,
        minPeers,
        minOwn,
        ownDays,
        from,
        to,
        hourShare,
        floorEvents,
        floorResources,
        new AnomalyRules.Forest(
            f.forest.trees, f.forest.subsample, f.forest.maxDepth, f.forest.seed),
        List.copyOf(bands),
        evidence,
        List.copyOf(features));
  }

  private static FeatureDefinition.Unit defaultUnit(FeatureDefinition.Kind kind) {
    return switch (kind) {
      case NEW_RESOURCE_SHARE, OFF_HOURS_SHARE, FAILURE_SHARE -> FeatureDefinition.Unit.SHARE;
      default -> FeatureDefinition.Unit.COUNT;
    };
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String v, Lines at, String field) {
    return enumOf(type, v, at, at.lineOf(field.substring(field.lastIndexOf('.') + 1) + ":"), field);
  }

  private static <E extends Enum<E>> E enumOf(
      Class<E> type, String v, Lines at, int line, String field) {
    try {
      return Enum.valueOf(type, v == null ? "" : v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        allowed.add(c.name());
      }
      throw at.error(line, field, "'" + v + "' must be one of " + allowed);
    }
  }

  private static int orDefault(Integer v, int d) {
    return v == null ? d : v;
  }

  private static double orDefault(Double v, double d) {
    return v == null ? d : v;
  }

  /** The file's lines, to name the line of a field the way RuleSetLoader does. */
  private record Lines(Path file, List<String> lines) {
    int lineOf(String needle) {
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i);
        int hash = l.indexOf('#');
        String code = hash >= 0 ? l.substring(0, hash) : l;
        if (code.contains(needle)) {
          return i + 1;
        }
      }
      return 1;
    }

    int lineOfField(String field) {
      String top = field.split("[.\\[]")[0];
      String last = field.substring(field.lastIndexOf('.') + 1).replaceAll("\\[\\d+]$", "");
      int topLine = lineOf(top + ":");
      for (int i = Math.max(0, topLine - 1); i < lines.size(); i++) {
        String l = lines.get(i);
        if (l.contains(last + ":")) {
          return i + 1;
        }
      }
      return topLine;
    }

    void require(boolean ok, String field, String reason) {
      if (!ok) {
        throw error(lineOfField(field), field, reason);
      }
    }

    void require(int line, boolean ok, String field, String reason) {
      if (!ok) {
        throw error(line, field, reason);
      }
    }

    RuleFileException error(String field, String reason) {
      return error(lineOfField(field), field, reason);
    }

    RuleFileException error(int line, String field, String reason) {
      return new RuleFileException(file + ":" + Math.max(1, line) + ": " + field + ": " + reason);
    }
  }

  private static RuleFile read(Path file) {
    return io.leaverwatch.core.rules.RuleSetLoader.readStrict(file, RuleFile.class);
  }

  // --- the file's shape (strict: unknown fields fail) ---

  static final class RuleFile {
    @JsonProperty("schema_version")
    Integer schemaVersion;

    // the catalogue's common key; rule_id is the name older files used
    @JsonProperty("id")
    @com.fasterxml.jackson.annotation.JsonAlias("rule_id")
    String ruleId;

    // the catalogue's common metadata (rules/detections/), checked by its catalogue test
    @JsonProperty("name")
    String name;

    @JsonProperty("finding_type")
    String findingType;

    @JsonProperty("triage")
    String triage;

    @JsonProperty("false_positives")
    List<String> falsePositives;

    @JsonProperty("mitre")
    List<String> mitre;

    @JsonProperty("references")
    List<String> references;

    @JsonProperty("version")
    String version;

    @JsonProperty("description")
    String description;

    @JsonProperty("day_boundary")
    String dayBoundary;

    @JsonProperty("scored_days_before_departure")
    Integer scoredDaysBeforeDeparture;

    @JsonProperty("alert_budget_per_1000")
    Double alertBudgetPer1000;

    @JsonProperty("min_peers_per_role")
    Integer minPeersPerRole;

    @JsonProperty("min_own_days")
    Integer minOwnDays;

    @JsonProperty("own_history_days")
    Integer ownHistoryDays;

    @JsonProperty("default_usual_hours")
    HoursFile usualHours;

    @JsonProperty("usual_hour_min_share")
    Double usualHourMinShare;

    @JsonProperty("share_floor_events")
    Integer shareFloorEvents;

    @JsonProperty("share_floor_resources")
    Integer shareFloorResources;

    @JsonProperty("forest")
    ForestFile forest;

    @JsonProperty("bands")
    List<BandFile> bands;

    @JsonProperty("evidence_per_feature")
    Integer evidencePerFeature;

    @JsonProperty("counts_per_source_class")
    GridFile grid;

    @JsonProperty("features")
    List<FeatureFile> features;
  }

  static final class HoursFile {
    @JsonProperty(value = "from", required = true)
    int from;

    @JsonProperty(value = "to", required = true)
    int to;
  }

  static final class ForestFile {
    @JsonProperty("trees")
    int trees = 100;

    @JsonProperty("subsample")
    int subsample = 256;

    @JsonProperty("max_depth")
    int maxDepth = 12;

    @JsonProperty("seed")
    long seed = 1;
  }

  static final class BandFile {
    @JsonProperty(value = "min_score", required = true)
    double minScore;

    @JsonProperty("severity")
    String severity;
  }

  static final class GridFile {
    @JsonProperty("sources")
    List<String> sources;

    @JsonProperty("classes")
    List<String> classes;
  }

  static final class FeatureFile {
    @JsonProperty("name")
    String name;

    @JsonProperty("kind")
    String kind;

    @JsonProperty("unit")
    String unit;

    @JsonProperty("min_spread")
    Double minSpread;

    @JsonProperty("match")
    MatchFile match;

    @JsonProperty("resource_pattern")
    String resourcePattern;
  }

  static final class MatchFile {
    @JsonProperty("sources")
    List<String> sources;

    @JsonProperty("actions")
    List<String> actions;

    @JsonProperty("action_classes")
    List<String> actionClasses;
  }
}
