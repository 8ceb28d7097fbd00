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
    Path rolesDir = rulesDir.resolve("roles");
    Map<String, RoleBaseline> baselines = new TreeMap<>();
    if (Files.isDirectory(rolesDir)) {
      try (Stream<Path> files = Files.list(rolesDir)) {
        for (Path f :
            files
                .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                .sorted()
                .collect(Collectors.toList())) {
          RoleBaseline b = loadRole(f);
          if (baselines.put(b.role(), b) != null) {
            throw new RuleFileException(f + ":1: role: '" + b.role() + "' is defined twice");
          }
        }
      } catch (IOException e) {
        throw new RuleFileException(rolesDir + ": " + e.getMessage(), e);
      }
    }
    if (!baselines.containsKey(RuleSet.DEFAULT_ROLE)) {
      throw new RuleFileException(rolesDir.resolve("default.yaml") + ":1: file is missing");
    }
    Path automationFile = rulesDir.resolve("automation.yaml");
    ApprovedAutomation automation =
        Files.exists(automationFile) ? loadAutomation(automationFile) : ApprovedAutomation.none();
    return new RuleSet(baselines, automation);
  }

  public static RoleBaseline loadRole(Path file) {
    RoleFile rf = read(file, RoleFile.class);
    String expectedRole = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    require(file, rf.role != null && !rf.role.isBlank(), 1, "role", "is required");
    require(
        file,
        rf.role.equals(expectedRole),
        1,
        "role",
        "'" + rf.role + "' must match the file name '" + expectedRole + "'");
    require(file, rf.steps != null, 1, "steps", "is required (may be an empty list)");
    List<RevocationStep> steps = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> systems = new HashSet<>();
    List<String> lines = readLines(file);
    for (int i = 0; i < rf.steps.size(); i++) {
      StepFile s = rf.steps.get(i);
      s.line = lineOf(lines, "id: " + s.id);
      String field = "steps[" + i + "]";
      require(file, s.id != null && !s.id.isBlank(), s.line, field + ".id", "is required");
      require(file, ids.add(s.id), s.line, field + ".id", "'" + s.id + "' is used twice");
      require(
          file,
          s.system != null && SYSTEMS.contains(s.system),
          s.line,
          field + ".system",
          "must be one of " + new java.util.TreeSet<>(SYSTEMS) + ", got '" + s.system + "'");
      require(
          file,
          systems.add(s.system),
          s.line,
          field + ".system",
          "a role has one step per system; '" + s.system + "' appears twice");
      Duration sla = duration(file, s.line, field + ".sla", s.sla);
      String severity = s.severity == null ? "HIGH" : s.severity;
      require(
          file,
          SEVERITIES.contains(severity),
          s.line,
          field + ".severity",
          "must be one of LOW, MEDIUM, HIGH, CRITICAL");
      require(
          file,
          s.evidence != null && s.evidence.anyOf != null && !s.evidence.anyOf.isEmpty(),
          s.line,
          field + ".evidence.any_of",
          "needs at least one alternative");
      for (List<String> alt : s.evidence.anyOf) {
        require(
            file,
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
          file + ":" + line(e.getLocation()) + ": " + path(e) + ": unknown field", e);
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
