package io.leaverwatch.core.redact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * The secret values this process knows of, for redacting them from every log line whatever their
 * shape: the values of the secret environment variables (and the contents of the files their {@code
 * *_FILE} variants name), read once, plus every credential the process obtains later (an OAuth
 * access token, a key read in a TaskManager), registered as it is obtained.
 */
public final class KnownSecrets {
  /** Names of environment variables that hold a secret, whatever their prefix. */
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          ".*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY"
              + "|ROUTING_KEY|INTEGRATION_KEY|SERVICE_KEY|WEBHOOK|CREDENTIAL|JAAS).*");

  /** The variables the project reads, named so that a change of the rule above cannot drop one. */
  static final List<String> PROJECT_VARIABLES =
      List.of(
          "GITHUB_TOKEN",
          "OKTA_API_TOKEN",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "LEAVERWATCH_ES_API_KEY",
          "LEAVERWATCH_ES_PASSWORD",
          "LEAVERWATCH_KAFKA_SASL_PASSWORD",
          "LEAVERWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD");

  private static final int MAX_FILE_BYTES = 64 * 1024;
  private static final Set<String> REGISTERED = new CopyOnWriteArraySet<>();
  private static volatile Set<String> fromEnvironment;

  private KnownSecrets() {}

  /** Whether an environment variable of this name holds a secret (or, {@code _FILE}, names one). */
  static boolean isSecretName(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    if (PROJECT_VARIABLES.contains(n)) {
      return true;
    }
    // AWS_ACCESS_KEY_ID and the like are identifiers, kept as evidence
    if (n.endsWith("_ID")) {
      return false;
    }
    return SECRET_NAME.matcher(n).matches();
  }

  /** The secret values in an environment: secret-named variables and the files they point at. */
  public static Set<String> fromEnvironment(Map<String, String> env) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (value == null || value.isBlank() || !isSecretName(name)) {
        continue;
      }
      if (name.toUpperCase(Locale.ROOT).endsWith("_FILE")) {
        addFileContent(out, value.trim());
      } else {
        out.add(value);
        out.add(value.trim());
      }
    }
    out.removeIf(v -> v.length() < 4);
    return out;
  }

  private static void addFileContent(Set<String> out, String file) {
    try {
      Path p = Path.of(file);
      if (Files.isRegularFile(p) && Files.size(p) <= MAX_FILE_BYTES) {
        String content = Files.readString(p, StandardCharsets.UTF_8).trim();
        if (!content.isEmpty()) {
          out.add(content);
        }
      }
    } catch (IOException | RuntimeException e) {
      // an unreadable file holds nothing this process could log
    }
  }

  /** Adds a credential obtained at run time: from now on no log line shows it. */
  public static void register(String secret) {
    if (secret != null && secret.trim().length() >= 4) {
      REGISTERED.add(secret);
      REGISTERED.add(secret.trim());
    }
  }

  /** Every value known now: the process environment's and the registered ones. */
  public static Set<String> all() {
    Set<String> env = fromEnvironment;
    if (env == null) {
      env = Set.copyOf(fromEnvironment(System.getenv()));
      fromEnvironment = env;
    }
    if (REGISTERED.isEmpty()) {
      return env;
    }
    Set<String> out = new java.util.HashSet<>(env);
    out.addAll(REGISTERED);
    return out;
  }

  /** {@link Redactor#redact(String, Iterable)} with every value known to this process. */
  public static String redact(String text) {
    return Redactor.redact(text, all());
  }
}
