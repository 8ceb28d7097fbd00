package io.leaverwatch.core.normalize;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Maps a source's native action name to an {@link ActionClass}, from the data files in {@code
 * rules/action-classes/*.yaml} (one per source).
 *
 * <p>Matching: rules that list the action by its exact name are tried first, in file order, then
 * rules with glob patterns ({@code *} any run of characters, {@code ?} one), in file order; the
 * first rule whose optional {@code when} condition holds wins, else the file's {@code default}.
 * Exact names go first so that a specific entry is never shadowed by a broad pattern above it.
 */
public final class ActionClassifier {
  public static final int SCHEMA_VERSION = 1;
  private static final int CACHE_LIMIT = 50_000;

  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private final Map<Source, SourceRules> bySource;

  private ActionClassifier(Map<Source, SourceRules> bySource) {
    this.bySource = bySource;
  }

  /**
   * Loads every {@code *.yaml} under {@code rulesDir/action-classes} (or {@code rulesDir} itself
   * when it has no {@code action-classes} folder). Fails fast on the first invalid file.
   */
  public static ActionClassifier load(Path rulesDir) {
    Path dir =
        Files.isDirectory(RulesDirectory.actionClasses(rulesDir))
            ? RulesDirectory.actionClasses(rulesDir)
            : rulesDir;
    if (!Files.isDirectory(dir)) {
      throw new RuleFileException("rules folder not found: " + dir.toAbsolutePath());
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new RuleFileException("cannot list rules folder " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new RuleFileException("no action-class files (*.yaml) in " + dir.toAbsolutePath());
    }
    Map<Source, SourceRules> bySource = new EnumMap<>(Source.class);
    for (Path file : files) {
      SourceRules rules = parse(file);
      SourceRules previous = bySource.putIfAbsent(rules.source, rules);
      if (previous != null) {
        throw new RuleFileException(
            file
                + ": field 'source': "
                + rules.source
                + " is already classified by "
                + previous.file);
      }
    }
    return new ActionClassifier(bySource);
  }

  /** The class of {@code action}; {@code event} (may be null) feeds the {@code when} conditions. */
  public ActionClass classify(Source source, String action, JsonNode event) {
    SourceRules rules = bySource.get(source);
    if (rules == null) {
      if (source == Source.DYNAMODB) {
        return classify(Source.CLOUDTRAIL, action, event);
      }
      return ActionClass.OTHER;
    }
    return rules.classify(action, event);
  }

  /** The inline examples of every file, in file order. */
  public List<Example> examples() {
    List<Example> all = new ArrayList<>();
    bySource.values().stream()
        .sorted((a, b) -> a.file.compareTo(b.file))
        .forEach(r -> all.addAll(r.examples));
    return all;
  }

  /** Runs the inline examples; returns one line per example whose class differs (empty: all ok). */
  public List<String> failingExamples() {
    List<String> failures = new ArrayList<>();
    for (Example ex : examples()) {
      ActionClass got = classify(ex.source(), ex.action(), ex.event());
      if (got != ex.expect()) {
        failures.add(
            ex.file()
                + ":"
                + ex.line()
                + ": example "
                + ex.action()
                + " expected "
                + ex.expect()
                + " but classified "
                + got);
      }
    }
    return failures;
  }

  /** One inline example of a rule file. */
  public record Example(
      Path file, int line, Source source, String action, JsonNode event, ActionClass expect) {}

  // ---------------------------------------------------------------------------------------------

  private static SourceRules parse(Path file) {
    FileSpec spec;
    try (InputStream in = Files.newInputStream(file)) {
      spec = YAML.readValue(in, FileSpec.class);
    } catch (JsonProcessingException e) {
      throw new RuleFileException(describe(file, e), e);
    } catch (IOException e) {
      throw new RuleFileException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (spec == null) {
      throw new RuleFileException(file + ":1: the file is empty");
    }
    return new SourceRules(file, spec);
  }

  private static String describe(Path file, JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    String where = file + (loc != null && loc.getLineNr() > 0 ? ":" + loc.getLineNr() : "");
    String field = "";
    String problem = e.getOriginalMessage();
    if (e instanceof JsonMappingException jme) {
      field = fieldPath(jme.getPath());
      if (e instanceof UnrecognizedPropertyException upe) {
        problem = "unknown field (known: " + upe.getKnownPropertyIds() + ")";
      } else if (e instanceof InvalidFormatException ife) {
        problem = "invalid value '" + ife.getValue() + "'";
        if (ife.getTargetType() != null && ife.getTargetType().isEnum()) {
          problem +=
              " (expected one of " + Arrays.toString(ife.getTargetType().getEnumConstants()) + ")";
        }
      } else if (e.getCause() instanceof IllegalArgumentException iae) {
        problem = iae.getMessage();
      }
    }
    return where + ": " + (field.isEmpty() ? "" : "field '" + field + "': ") + problem;
  }

  private static String fieldPath(List<JsonMappingException.Reference> path) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  static boolean glob(String pattern, String text) {
    return glob(pattern, 0, text, 0);
  }

  private static boolean glob(String p, int pi, String t, int ti) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        while (pi < p.length() && p.charAt(pi) == '*') {
          pi++;
        }
        if (pi == p.length()) {
          return true;
        }
        for (int k = ti; k <= t.length(); k++) {
          if (glob(p, pi, t, k)) {
            return true;
          }
        }
        return false;
      }
      if (ti >= t.length() || (c != '?' && c != t.charAt(ti))) {
        return false;
      }
      pi++;
      ti++;
    }
    return ti == t.length();
  }

  // --- file model (validated while Jackson reads it, so errors carry the line) -----------------

  record FileSpec(
      @JsonProperty(value = "schema_version", required = true) Integer schemaVersion,
      @JsonProperty(value = "source", required = true) Source source,
      @JsonProperty(value = "default", required = true) ActionClass defaultClass,
      @JsonProperty("description") String description,
      @JsonProperty(value = "rules", required = true) List<RuleSpec> rules,
      @JsonProperty("examples") List<ExampleSpec> examples) {
    FileSpec {
      if (schemaVersion == null || schemaVersion != SCHEMA_VERSION) {
        throw new IllegalArgumentException(
            "schema_version must be " + SCHEMA_VERSION + ", got " + schemaVersion);
      }
      if (source == null || source == Source.UNKNOWN) {
        throw new IllegalArgumentException("source must be GITHUB, CLOUDTRAIL, DYNAMODB or OKTA");
      }
      if (defaultClass == null) {
        throw new IllegalArgumentException("default class is required");
      }
      rules = rules == null ? List.of() : rules;
      examples = examples == null ? List.of() : examples;
    }
  }

  record RuleSpec(
      @JsonProperty(value = "class", required = true) ActionClass actionClass,
      @JsonProperty("actions") List<String> actions,
      @JsonProperty("patterns") List<String> patterns,
      @JsonProperty("when") Condition when,
      @JsonProperty("note") String note) {
    RuleSpec {
      if (actionClass == null) {
        throw new IllegalArgumentException("class is required");
      }
      actions = actions == null ? List.of() : actions;
      patterns = patterns == null ? List.of() : patterns;
      if (actions.isEmpty() && patterns.isEmpty()) {
        throw new IllegalArgumentException("a rule needs 'actions' or 'patterns'");
      }
      for (String a : actions) {
        if (a == null || a.isBlank()) {
          throw new IllegalArgumentException("an action name is empty");
        }
      }
      for (String p : patterns) {
        if (p == null || p.isBlank()) {
          throw new IllegalArgumentException("a pattern is empty");
        }
      }
    }
  }

  record Condition(
      @JsonProperty(value = "field", required = true) String field,
      @JsonProperty(value = "equals", required = true) String equalsValue) {
    Condition {
      if (field == null || field.isBlank() || equalsValue == null) {
        throw new IllegalArgumentException("'when' needs 'field' and 'equals'");
      }
    }

    boolean holds(JsonNode event) {
      if (event == null) {
        return false;
      }
      JsonNode v = Fields.path(event, field);
      return v != null && v.isValueNode() && equalsValue.equalsIgnoreCase(v.asText());
    }
  }

  record ExampleSpec(
      @JsonProperty(value = "action", required = true) String action,
      @JsonProperty(value = "expect", required = true) ActionClass expect,
      @JsonProperty("event") JsonNode event) {
    ExampleSpec {
      if (action == null || action.isBlank() || expect == null) {
        throw new IllegalArgumentException("an example needs 'action' and 'expect'");
      }
    }
  }

  private static final class SourceRules {
    final Path file;
    final Source source;
    final ActionClass defaultClass;
    final Map<String, List<RuleSpec>> exact = new HashMap<>();
    final List<RuleSpec> patterned = new ArrayList<>();
    final Map<String, ActionClass> cache = new ConcurrentHashMap<>();
    final List<Example> examples = new ArrayList<>();

    SourceRules(Path file, FileSpec spec) {
      this.file = file;
      this.source = spec.source();
      this.defaultClass = spec.defaultClass();
      for (RuleSpec r : spec.rules()) {
        for (String a : r.actions()) {
          exact.computeIfAbsent(a, k -> new ArrayList<>()).add(r);
        }
        if (!r.patterns().isEmpty()) {
          patterned.add(r);
        }
      }
      for (ExampleSpec e : spec.examples()) {
        examples.add(
            new Example(file, exampleLine(file, e), source, e.action(), e.event(), e.expect()));
      }
    }

    ActionClass classify(String action, JsonNode event) {
      if (action == null) {
        return defaultClass;
      }
      ActionClass cached = cache.get(action);
      if (cached != null) {
        return cached;
      }
      boolean conditional = false;
      List<RuleSpec> candidates = exact.get(action);
      if (candidates != null) {
        for (RuleSpec r : candidates) {
          if (r.when() == null) {
            return remember(action, r.actionClass(), conditional);
          }
          conditional = true;
          if (r.when().holds(event)) {
            return r.actionClass();
          }
        }
      }
      for (RuleSpec r : patterned) {
        for (String p : r.patterns()) {
          if (glob(p, action)) {
            if (r.when() == null) {
              return remember(action, r.actionClass(), conditional);
            }
            conditional = true;
            if (r.when().holds(event)) {
              return r.actionClass();
            }
          }
        }
      }
      return remember(action, defaultClass, conditional);
    }

    private ActionClass remember(String action, ActionClass c, boolean conditional) {
      // results that depended on the event's content must not be reused for other events
      if (!conditional && cache.size() < CACHE_LIMIT) {
        cache.put(action, c);
      }
      return c;
    }

    private static int exampleLine(Path file, ExampleSpec e) {
      // best effort: the line where the example's action first appears after "examples:"
      try {
        List<String> lines = Files.readAllLines(file);
        boolean inExamples = false;
        for (int i = 0; i < lines.size(); i++) {
          String l = lines.get(i);
          if (l.startsWith("examples:")) {
            inExamples = true;
          } else if (inExamples && l.contains(e.action())) {
            return i + 1;
          }
        }
      } catch (IOException ignored) {
        // the line is only for messages; the file was readable a moment ago
      }
      return 0;
    }
  }
}
