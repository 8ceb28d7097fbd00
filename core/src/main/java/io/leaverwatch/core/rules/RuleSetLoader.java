package io.leaverwatch.core.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads {@code rules/roles/*.yaml} and {@code rules/automation.yaml}. Any problem fails fast with
 * {@code file:line: field: reason}, so a typo in a rule never silently weakens detection.
 */
public final class RuleSetLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  private static final Set<String> SYSTEMS = Set.of("okta", "github", "aws");
  private static final Set<String> SEVERITIES = Set.of("LOW", "MEDIUM", "HIGH", "CRITICAL");

  private RuleSetLoader() {}

  public static RuleSet load(Path rulesDir) {
    if (!Files.isDirectory(rulesDir)) {
      throw new RuleFileException(rulesDir + ": rules directory not found");
    }
    DetectionCatalogue detections = DetectionCatalogueLoader.load(rulesDir.resolve(DETECTIONS_DIR));
    String defaultStepSeverity = detections.rule(MISSED_DEADLINE_RULE).defaultSeverity().name();
    Path rolesDir = rulesDir.resolve("roles");
    Map<String, Path> files = new TreeMap<>();
    Map<String, RoleFile> parsed = new TreeMap<>();
    if (Files.isDirectory(rolesDir)) {
      try (Stream<Path> list = Files.list(rolesDir)) {
        for (Path f :
            list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                .sorted()
                .collect(Collectors.toList())) {
          RoleFile rf = read(f, RoleFile.class);
          checkRoleName(f, rf);
          if (files.put(rf.role, f) != null) {
            throw new RuleFileException(f + ":1: role: '" + rf.role + "' is defined twice");
          }
          parsed.put(rf.role, rf);
        }
      } catch (IOException e) {
        throw new RuleFileException(rolesDir + ": " + e.getMessage(), e);
      }
    }
    if (!parsed.containsKey(RuleSet.DEFAULT_ROLE)) {
      throw new RuleFileException(rolesDir.resolve("default.yaml") + ":1: file is missing");
    }
    Map<String, RoleBaseline> baselines = new TreeMap<>();
    // the default first: a role that extends it names its problems after its own
    List<String> order = new ArrayList<>(parsed.keySet());
    order.remove(RuleSet.DEFAULT_ROLE);
    order.add(0, RuleSet.DEFAULT_ROLE);
    for (String role : order) {
      baselines.put(
          role,
          build(
              files.get(role), merged(role, files, parsed, new HashSet<>()), defaultStepSeverity));
    }
    Path automationFile = rulesDir.resolve("automation.yaml");
    ApprovedAutomation automation =
        Files.exists(automationFile) ? loadAutomation(automationFile) : ApprovedAutomation.none();
    return new RuleSet(baselines, automation, detections);
  }

  /** The detection catalogue's folder under the rules directory. */
  public static final String DETECTIONS_DIR = "detections";

  /** The catalogue rule whose default severity is a step's when the role file gives none. */
  static final String MISSED_DEADLINE_RULE = "retained-access-missed-deadline";

  /** One role file on its own, without {@code extend} (tests and tools that read one file). */
  public static RoleBaseline loadRole(Path file) {
    RoleFile rf = read(file, RoleFile.class);
    checkRoleName(file, rf);
    if (rf.extend != null) {
      throw new RuleFileException(
          file
              + ":"
              + lineOf(readLines(file), "extend:")
              + ": extend: needs the other role files;"
              + " load the whole rules directory");
    }
    for (StepFile st : rf.steps == null ? List.<StepFile>of() : rf.steps) {
      st.file = file;
      st.line = lineOf(readLines(file), "id: " + st.id);
    }
    return build(file, rf, "HIGH");
  }

  private static void checkRoleName(Path file, RoleFile rf) {
    String expectedRole = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    require(file, rf.role != null && !rf.role.isBlank(), 1, "role", "is required");
    require(
        file,
        rf.role.equals(expectedRole),
        1,
        "role",
        "'" + rf.role + "' must match the file name '" + expectedRole + "'");
  }

  /**
   * The role file with what it extends filled in: the parent's fields where the child gives none,
   * the parent's steps in their order, a child's step with the same id overriding the fields it
   * gives, and the child's other steps after them.
   */
  private static RoleFile merged(
      String role, Map<String, Path> files, Map<String, RoleFile> parsed, Set<String> seen) {
    Path file = files.get(role);
    RoleFile rf = parsed.get(role);
    List<String> lines = readLines(file);
    if (rf.steps != null) {
      for (int i = 0; i < rf.steps.size(); i++) {
        StepFile st = rf.steps.get(i);
        st.file = file;
        st.line = lineOf(lines, "id: " + st.id);
        checkOwnFields(file, st, "steps[" + i + "]");
      }
    }
    if (rf.extend == null) {
      require(file, rf.steps != null, 1, "steps", "is required (may be an empty list)");
      return rf;
    }
    int line = lineOf(lines, "extend:");
    require(file, seen.add(role), line, "extend", "roles extend each other in a cycle: " + seen);
    require(
        file,
        parsed.containsKey(rf.extend),
        line,
        "extend",
        "no role '" + rf.extend + "' in " + file.getParent() + "; known: " + parsed.keySet());
    RoleFile parent = merged(rf.extend, files, parsed, seen);
    RoleFile out = new RoleFile();
    out.role = rf.role;
    out.version = rf.version;
    out.description = rf.description;
    out.gracePeriod = rf.gracePeriod != null ? rf.gracePeriod : parent.gracePeriod;
    out.historyHorizon = rf.historyHorizon != null ? rf.historyHorizon : parent.historyHorizon;
    out.reopenActions = rf.reopenActions != null ? rf.reopenActions : parent.reopenActions;
    out.sensitiveActions =
        rf.sensitiveActions != null ? rf.sensitiveActions : parent.sensitiveActions;
    Map<String, StepFile> own = new java.util.LinkedHashMap<>();
    for (StepFile st : rf.steps == null ? List.<StepFile>of() : rf.steps) {
      require(file, st.id != null, st.line, "steps.id", "is required");
      require(file, own.put(st.id, st) == null, st.line, "steps.id", "'" + st.id + "' twice");
    }
    List<StepFile> steps = new ArrayList<>();
    for (StepFile p : parent.steps) {
      StepFile c = own.remove(p.id);
      steps.add(c == null ? p : p.overriddenBy(c));
    }
    steps.addAll(own.values());
    out.steps = steps;
    return out;
  }

  /** The fields a file gives itself, checked against that file (an extending file gives few). */
  private static void checkOwnFields(Path file, StepFile s, String field) {
    if (s.system != null) {
      require(
          file,
          SYSTEMS.contains(s.system),
          s.line,
          field + ".system",
          "must be one of " + new java.util.TreeSet<>(SYSTEMS) + ", got '" + s.system + "'");
    }
    if (s.sla != null) {
      duration(file, s.line, field + ".sla", s.sla);
    }
    if (s.severity != null) {
      require(
          file,
          SEVERITIES.contains(s.severity),
          s.line,
          field + ".severity",
          "must be one of LOW, MEDIUM, HIGH, CRITICAL");
    }
  }

  private static RoleBaseline build(Path file, RoleFile rf, String defaultSeverity) {
    require(file, rf.steps != null, 1, "steps", "is required (may be an empty list)");
    List<RevocationStep> steps = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> systems = new HashSet<>();
    for (int i = 0; i < rf.steps.size(); i++) {
      StepFile s = rf.steps.get(i);
      Path at = s.file == null ? file : s.file;
      String field = "steps[" + i + "]";
      require(at, s.id != null && !s.id.isBlank(), s.line, field + ".id", "is required");
      require(at, ids.add(s.id), s.line, field + ".id", "'" + s.id + "' is used twice");
      require(
          at,
          s.system != null && SYSTEMS.contains(s.system),
          s.line,
          field + ".system",
          "must be one of " + new java.util.TreeSet<>(SYSTEMS) + ", got '" + s.system + "'");
      require(
          at,
          systems.add(s.system),
          s.line,
          field + ".system",
          "a role has one step per system; '" + s.system + "' appears twice");
      Duration sla = duration(at, s.line, field + ".sla", s.sla);
      String severity = s.severity == null ? defaultSeverity : s.severity;
      require(
          at,
          SEVERITIES.contains(severity),
          s.line,
          field + ".severity",
          "must be one of LOW, MEDIUM, HIGH, CRITICAL");
      require(
          at,
          s.evidence != null && s.evidence.anyOf != null && !s.evidence.anyOf.isEmpty(),
          s.line,
          field + ".evidence.any_of",
          "needs at least one alternative");
      for (List<String> alt : s.evidence.anyOf) {
        require(
            at,
            alt != null && !alt.isEmpty(),
            s.line,
            field + ".evidence.any_of",
            "an alternative must list at least one action");
      }
      steps.add(new RevocationStep(s.id, s.system, sla, severity, s.evidence.anyOf));
    }
    return new RoleBaseline(
        rf.role,
        rf.version == null ? "1" : rf.version,
        rf.gracePeriod == null
            ? Duration.ofMinutes(15)
            : duration(file, 1, "grace_period", rf.gracePeriod),
        rf.historyHorizon == null
            ? Duration.ofDays(14)
            : duration(file, 1, "history_horizon", rf.historyHorizon),
        steps,
        rf.reopenActions == null ? List.of() : rf.reopenActions,
        rf.sensitiveActions == null ? List.of() : rf.sensitiveActions);
  }

  public static ApprovedAutomation loadAutomation(Path file) {
    AutomationFile af = read(file, AutomationFile.class);
    require(file, af.approved != null, 1, "approved_automation", "is required");
    return new ApprovedAutomation(
        af.approved.okta == null ? List.of() : af.approved.okta,
        af.approved.github == null ? List.of() : af.approved.github,
        af.approved.aws == null ? List.of() : af.approved.aws);
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static int lineOf(List<String> lines, String needle) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(needle)) {
        return i + 1;
      }
    }
    return 1;
  }

  private static Duration duration(Path file, int line, String field, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new RuleFileException(file + ":" + line + ": " + field + ": " + e.getMessage());
    }
  }

  private static void require(Path file, boolean ok, int line, String field, String reason) {
    if (!ok) {
      throw new RuleFileException(file + ":" + Math.max(1, line) + ": " + field + ": " + reason);
    }
  }

  private static <T> T read(Path file, Class<T> type) {
    return readStrict(file, type);
  }

  /**
   * Reads a YAML rule file into {@code type} strictly (unknown fields fail); every error is a
   * {@link RuleFileException} naming {@code file:line: field: reason}.
   */
  public static <T> T readStrict(Path file, Class<T> type) {
    try {
      T value = YAML.readValue(file.toFile(), type);
      if (value == null) {
        throw new RuleFileException(file + ":1: file is empty");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw new RuleFileException(
          file
              + ":"
              + keyLine(file, e.getPropertyName(), line(e.getLocation()))
              + ": "
              + path(e)
              + ": unknown field",
          e);
    } catch (JsonMappingException e) {
      throw new RuleFileException(
          file + ":" + line(e.getLocation()) + ": " + path(e) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new RuleFileException(
          file + ":" + line(e.getLocation()) + ": not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new RuleFileException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The line of the key {@code name} at or before {@code reported}: the parser reports where it
   * stood, which after a block scalar is past the key.
   */
  private static int keyLine(Path file, String name, int reported) {
    List<String> lines = readLines(file);
    java.util.regex.Pattern key =
        java.util.regex.Pattern.compile(
            "(^|[\\s{,])" + java.util.regex.Pattern.quote(name) + "\\s*:");
    for (int i = Math.min(reported, lines.size()) - 1; i >= 0; i--) {
      String l = lines.get(i);
      if (!l.stripLeading().startsWith("#") && key.matcher(l).find()) {
        return i + 1;
      }
    }
    return reported;
  }

  private static int line(JsonLocation loc) {
    return loc == null ? 1 : Math.max(1, loc.getLineNr());
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "(top level)" : sb.toString();
  }

  // --- the file shapes (strict: unknown fields fail) ---

  static final class RoleFile {
    @JsonProperty("role")
    String role;

    @JsonProperty("extend")
    String extend;

    @JsonProperty("version")
    String version;

    @JsonProperty("description")
    String description;

    @JsonProperty("grace_period")
    String gracePeriod;

    @JsonProperty("history_horizon")
    String historyHorizon;

    @JsonProperty("steps")
    List<StepFile> steps;

    @JsonProperty("reopen_actions")
    List<String> reopenActions;

    @JsonProperty("sensitive_actions")
    List<String> sensitiveActions;

    @JsonProperty("examples")
    List<Map<String, Object>> examples;
  }

  static final class StepFile {
    int line = 1;
    Path file;

    @JsonProperty("id")
    String id;

    @JsonProperty("system")
    String system;

    @JsonProperty("sla")
    String sla;

    @JsonProperty("severity")
    String severity;

    @JsonProperty("evidence")
    EvidenceFile evidence;

    @com.fasterxml.jackson.annotation.JsonCreator
    StepFile() {}

    /** This (inherited) step with the fields {@code c} gives replacing its own. */
    StepFile overriddenBy(StepFile c) {
      StepFile m = new StepFile();
      m.id = id;
      m.file = c.file;
      m.line = c.line;
      m.system = c.system != null ? c.system : system;
      m.sla = c.sla != null ? c.sla : sla;
      m.severity = c.severity != null ? c.severity : severity;
      m.evidence = c.evidence != null ? c.evidence : evidence;
      return m;
    }
  }

  static final class EvidenceFile {
    @JsonProperty("any_of")
    List<List<String>> anyOf;
  }

  static final class AutomationFile {
    @JsonProperty("approved_automation")
    ApprovedFile approved;
  }

  static final class ApprovedFile {
    @JsonProperty("okta")
    List<String> okta;

    @JsonProperty("github")
    List<String> github;

    @JsonProperty("aws")
    List<String> aws;
  }
}
