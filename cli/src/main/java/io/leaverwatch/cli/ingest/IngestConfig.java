package io.leaverwatch.cli.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.leaverwatch.cli.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ingest YAML config with environment overrides: {@code LEAVERWATCH_<SECTION>_<KEY>} replaces
 * {@code section.key} (e.g. LEAVERWATCH_GITHUB_ORG, LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS). Secrets
 * never live in the file: only in GITHUB_TOKEN / OKTA_API_TOKEN or in files the config points at.
 */
public final class IngestConfig {
  static final Set<String> SECTIONS =
      Set.of("github", "okta", "cloudtrail", "s3", "snapshots", "kafka");
  private static final Set<String> SECRET_KEYS =
      Set.of("token", "api_token", "secret", "password", "client_secret", "private_key");

  private final ObjectNode root;
  private final Map<String, String> env;
  private final String origin;

  private IngestConfig(ObjectNode root, Map<String, String> env, String origin) {
    this.root = root;
    this.env = env;
    this.origin = origin;
  }

  public static IngestConfig load(Path file, Map<String, String> env) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode root = yaml.createObjectNode();
    String origin = "environment";
    if (file != null) {
      origin = file.toString();
      if (!Files.isReadable(file)) {
        throw new UsageException("config " + file + " cannot be read");
      }
      try {
        JsonNode n = yaml.readTree(Files.readString(file, StandardCharsets.UTF_8));
        if (n != null && !n.isMissingNode() && !n.isNull()) {
          if (!n.isObject()) {
            throw new UsageException("config " + file + ": expected a mapping at the top level");
          }
          root = (ObjectNode) n;
        }
      } catch (IOException e) {
        throw new UsageException(
            "config " + file + " is not valid YAML: " + e.getMessage().split("\n")[0]);
      }
      rejectSecrets(root, "", file);
    }
    for (var e : env.entrySet()) {
      if (!e.getKey().startsWith("LEAVERWATCH_") || e.getKey().equals("LEAVERWATCH_HOME")) {
        continue;
      }
      String rest = e.getKey().substring("LEAVERWATCH_".length()).toLowerCase();
      int us = rest.indexOf('_');
      String section = us < 0 ? null : rest.substring(0, us);
      if (section != null && SECTIONS.contains(section)) {
        JsonNode s = root.get(section);
        ObjectNode obj = s instanceof ObjectNode o ? o : root.putObject(section);
        obj.put(rest.substring(us + 1), e.getValue());
      } else {
        root.put(rest, e.getValue());
      }
    }
    return new IngestConfig(root, env, origin);
  }

  private static void rejectSecrets(JsonNode n, String path, Path file) {
    if (!n.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      var e = it.next();
      String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (SECRET_KEYS.contains(e.getKey().toLowerCase()) && e.getValue().isValueNode()) {
        throw new UsageException(
            "config "
                + file
                + ": "
                + p
                + ": secrets are not read from the config file; use GITHUB_TOKEN / OKTA_API_TOKEN"
                + " or a *_file path");
      }
      rejectSecrets(e.getValue(), p, file);
    }
  }

  public boolean has(String section) {
    return root.get(section) != null && root.get(section).isObject();
  }

  public String get(String section, String key) {
    JsonNode s = section == null ? root : root.get(section);
    if (s == null) {
      return null;
    }
    JsonNode v = s.get(key);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    return v.asText();
  }

  public JsonNode node(String section, String key) {
    JsonNode s = root.get(section);
    return s == null ? null : s.get(key);
  }

  /** A list value: a YAML sequence or a comma-separated string. */
  public List<String> list(String section, String key) {
    JsonNode v = node(section, key);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isArray()) {
      v.forEach(x -> out.add(x.asText()));
    } else {
      for (String s : v.asText().split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  public String env(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  /** A secret from an environment variable, else from the file named by section.key. */
  public String secret(String envName, String section, String fileKey) {
    String v = env(envName);
    if (v != null) {
      return v.trim();
    }
    String file = get(section, fileKey);
    if (file == null) {
      return null;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UsageException(
          "config " + origin + ": " + section + "." + fileKey + " " + file + " cannot be read");
    }
  }

  public String origin() {
    return origin;
  }

  static Instant instant(String value, String what) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new UsageException(
            what + ": '" + value + "' is not an ISO-8601 instant (e.g. 2026-01-31T00:00:00Z)");
      }
    }
  }

  static Duration duration(String value, String what) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    try {
      if (v.toUpperCase().startsWith("P")) {
        return Duration.parse(v.toUpperCase());
      }
      long n = Long.parseLong(v.replaceAll("[a-zA-Z]+$", ""));
      String unit = v.replaceAll("^[0-9]+", "");
      return switch (unit) {
        case "", "s" -> Duration.ofSeconds(n);
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new UsageException(what + ": '" + value + "' is not a duration (e.g. 30s, 5m, PT1H)");
    }
  }
}
