package io.leaverwatch.core.redact;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a secret is, not what it is: the name of an environment variable or the path of a file.
 * Configuration objects that travel (a Flink job graph, a serialized sink) hold one of these, and
 * the secret is read where it is used, by {@link #resolve}; what is serialized is the name alone.
 */
public final class SecretRef implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean file;
  private final String location;

  private SecretRef(boolean file, String location) {
    this.file = file;
    this.location = Objects.requireNonNull(location, "location");
  }

  /** The value of environment variable {@code name}, read at {@link #resolve}. */
  public static SecretRef env(String name) {
    return new SecretRef(false, name);
  }

  /** The trimmed content of a file, read at {@link #resolve}. */
  public static SecretRef file(String path) {
    return new SecretRef(true, path);
  }

  /**
   * The reference for a secret given as {@code var} or as a file named by {@code fileVar}, looking
   * at {@code env} only to see which of the two is set; null when neither is.
   */
  public static SecretRef fromEnvironment(Map<String, String> env, String var, String fileVar) {
    String v = env.get(var);
    if (v != null && !v.isBlank()) {
      return env(var);
    }
    String f = fileVar == null ? null : env.get(fileVar);
    if (f != null && !f.isBlank()) {
      return file(f.trim());
    }
    return null;
  }

  public boolean isFile() {
    return file;
  }

  /** The variable's name or the file's path. */
  public String location() {
    return location;
  }

  /** Reads the secret from this process's environment or the file. */
  public String resolve() {
    return resolve(System.getenv());
  }

  /**
   * Reads the secret, a variable's value as it is and a file's content trimmed (and registers it
   * with {@link KnownSecrets}, so no log line shows it).
   *
   * @throws IllegalStateException when the variable is not set or the file is empty
   * @throws UncheckedIOException when the file cannot be read
   */
  public String resolve(Map<String, String> env) {
    String value;
    if (file) {
      try {
        value = Files.readString(Path.of(location), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "the secret file " + location + " cannot be read (" + e.getMessage() + ")", e);
      }
      if (value.isEmpty()) {
        throw new IllegalStateException("the secret file " + location + " is empty");
      }
    } else {
      value = env.get(location);
      if (value == null || value.isBlank()) {
        throw new IllegalStateException(
            location
                + " is not set in this process's environment (a job on a cluster reads its"
                + " secrets where it runs: set it on the TaskManagers too)");
      }
    }
    KnownSecrets.register(value);
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretRef r && r.file == file && r.location.equals(location);
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, location);
  }

  @Override
  public String toString() {
    return (file ? "file " : "env ") + location;
  }
}
