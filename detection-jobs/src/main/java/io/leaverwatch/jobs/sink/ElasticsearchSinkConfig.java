package io.leaverwatch.jobs.sink;

import io.leaverwatch.core.redact.SecretRef;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how the Elasticsearch sink writes. Immutable; secrets never appear in {@link
 * #toString()}. The credentials do not travel in the serialized job graph: {@link
 * Builder#credentialsFromEnvironment} records where they are (the variable's name, the file's path)
 * and the writer reads them where it runs, in {@link ElasticsearchClients#connect}. A literal key
 * ({@link Builder#apiKey}, {@link Builder#basicAuth}) is for a writer made in this process only:
 * serializing a configuration that holds one fails.
 */
public final class ElasticsearchSinkConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Environment variables read by {@link Builder#credentialsFromEnvironment}. */
  public static final String ENV_API_KEY = "LEAVERWATCH_ES_API_KEY";

  public static final String ENV_API_KEY_FILE = "LEAVERWATCH_ES_API_KEY_FILE";
  public static final String ENV_USERNAME = "LEAVERWATCH_ES_USERNAME";
  public static final String ENV_PASSWORD = "LEAVERWATCH_ES_PASSWORD";
  public static final String ENV_PASSWORD_FILE = "LEAVERWATCH_ES_PASSWORD_FILE";

  private final List<String> urls;
  private final SecretRef apiKeyRef;
  private final String username;
  private final SecretRef passwordRef;
  // literal credentials: in-process use only (see writeObject)
  private final transient String apiKey;
  private final transient String password;
  private final String indexPrefix;
  private final int bulkMaxActions;
  private final long bulkMaxBytes;
  private final Duration flushInterval;
  private final int maxConcurrentRequests;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private ElasticsearchSinkConfig(Builder b) {
    this.urls = List.copyOf(b.urls);
    this.apiKeyRef = b.apiKeyRef;
    this.apiKey = b.apiKey;
    this.username = b.username;
    this.passwordRef = b.passwordRef;
    this.password = b.password;
    this.indexPrefix = b.indexPrefix;
    this.bulkMaxActions = b.bulkMaxActions;
    this.bulkMaxBytes = b.bulkMaxBytes;
    this.flushInterval = b.flushInterval;
    this.maxConcurrentRequests = b.maxConcurrentRequests;
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<String> urls() {
    return urls;
  }

  /** The full index (or alias) name for a logical name: {@code <prefix>-<logical>}. */
  public String indexName(String logical) {
    return indexPrefix + "-" + logical;
  }

  public String indexPrefix() {
    return indexPrefix;
  }

  /** The API key, read now from where the configuration says it is; null when there is none. */
  String apiKey() {
    return apiKey(System.getenv());
  }

  String apiKey(Map<String, String> env) {
    return apiKey != null ? apiKey : apiKeyRef == null ? null : apiKeyRef.resolve(env);
  }

  String username() {
    return username;
  }

  /** The basic auth password, read now; null without basic auth. */
  String password() {
    return password(System.getenv());
  }

  String password(Map<String, String> env) {
    return password != null ? password : passwordRef == null ? null : passwordRef.resolve(env);
  }

  boolean hasApiKey() {
    return apiKey != null || apiKeyRef != null;
  }

  /** Secret values, for redacting them from error messages. */
  List<String> secrets() {
    List<String> secrets = new ArrayList<>();
    if (hasApiKey()) {
      secrets.add(apiKey());
    }
    if (username != null) {
      secrets.add(password());
    }
    return secrets;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    if (apiKey != null || password != null) {
      throw new NotSerializableException(
          "ElasticsearchSinkConfig holds a literal credential, which must not travel in a job"
              + " graph: use credentialsFromEnvironment (the writer reads it where it runs)");
    }
    out.defaultWriteObject();
  }

  public int bulkMaxActions() {
    return bulkMaxActions;
  }

  public long bulkMaxBytes() {
    return bulkMaxBytes;
  }

  public Duration flushInterval() {
    return flushInterval;
  }

  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The back-off before retry number {@code attempt} (1-based): doubling, capped. */
  Duration backoff(int attempt) {
    long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }

  @Override
  public String toString() {
    String auth = hasApiKey() ? "api-key" : username != null ? "basic(" + username + ")" : "none";
    return "ElasticsearchSinkConfig{urls="
        + urls
        + ", auth="
        + auth
        + ", indexPrefix="
        + indexPrefix
        + ", bulkMaxActions="
        + bulkMaxActions
        + ", bulkMaxBytes="
        + bulkMaxBytes
        + ", flushInterval="
        + flushInterval
        + ", maxRetries="
        + maxRetries
        + "}";
  }

  public static final class Builder {
    private final List<String> urls = new ArrayList<>();
    private SecretRef apiKeyRef;
    private String apiKey;
    private String username;
    private SecretRef passwordRef;
    private String password;
    private String indexPrefix = "leaverwatch";
    private int bulkMaxActions = 1000;
    private long bulkMaxBytes = 5L * 1024 * 1024;
    private Duration flushInterval = Duration.ofMillis(200);
    // one bulk in flight: two versions of a finding in successive bulks are applied in order
    private int maxConcurrentRequests = 1;
    // transient refusals are retried until Elasticsearch is back: the checkpoint waits, the job
    // does not fail and restart into the same outage
    private int maxRetries = Integer.MAX_VALUE;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(10);

    private Builder() {}

    /** One or more node URLs, e.g. {@code https://es.internal:9200}. */
    public Builder urls(List<String> urls) {
      for (String url : urls) {
        url(url);
      }
      return this;
    }

    public Builder url(String url) {
      URI uri;
      try {
        uri = URI.create(Objects.requireNonNull(url, "url").trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Elasticsearch URL is not a URL: " + url);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "Elasticsearch URL must be http(s)://host[:port], got: " + url);
      }
      if (uri.getUserInfo() != null) {
        throw new IllegalArgumentException(
            "Elasticsearch URL must not carry credentials (use an API key or basic auth settings)");
      }
      urls.add(url.trim());
      return this;
    }

    /** A literal API key, for a writer created in this process (it cannot be serialized). */
    public Builder apiKey(String apiKey) {
      this.apiKey = blankToNull(apiKey);
      this.apiKeyRef = null;
      return this;
    }

    /** The API key read by the writer where it runs. */
    public Builder apiKey(SecretRef apiKey) {
      this.apiKeyRef = apiKey;
      this.apiKey = null;
      return this;
    }

    /** A literal password, for a writer created in this process (it cannot be serialized). */
    public Builder basicAuth(String username, String password) {
      this.username = blankToNull(username);
      this.password = password;
      this.passwordRef = null;
      return this;
    }

    /** Basic auth with the password read by the writer where it runs. */
    public Builder basicAuth(String username, SecretRef password) {
      this.username = blankToNull(username);
      this.passwordRef = password;
      this.password = null;
      return this;
    }

    /**
     * Takes the API key from {@code LEAVERWATCH_ES_API_KEY} or the file named by {@code
     * LEAVERWATCH_ES_API_KEY_FILE}, else basic auth from {@code LEAVERWATCH_ES_USERNAME} and {@code
     * LEAVERWATCH_ES_PASSWORD} (or {@code _FILE}). Leaves the credentials alone when none is set.
     * Only which variable is set, or the file's path, is kept: the writer reads the value where it
     * runs (a file is read once here too, for an early error).
     */
    public Builder credentialsFromEnvironment(Map<String, String> env) {
      SecretRef key = reference(env, ENV_API_KEY, ENV_API_KEY_FILE);
      if (key != null) {
        return apiKey(key);
      }
      String user = blankToNull(env.get(ENV_USERNAME));
      if (user != null) {
        SecretRef pass = reference(env, ENV_PASSWORD, ENV_PASSWORD_FILE);
        if (pass == null) {
          throw new IllegalArgumentException(
              ENV_USERNAME + " is set but neither " + ENV_PASSWORD + " nor " + ENV_PASSWORD_FILE);
        }
        return basicAuth(user, pass);
      }
      return this;
    }

    private static SecretRef reference(Map<String, String> env, String var, String fileVar) {
      SecretRef ref = SecretRef.fromEnvironment(env, var, fileVar);
      if (ref != null && ref.isFile()) {
        try {
          ref.resolve(env);
        } catch (UncheckedIOException e) {
          throw new UncheckedIOException(
              fileVar + " names a file that cannot be read: " + ref.location(), e.getCause());
        } catch (IllegalStateException e) {
          throw new IllegalArgumentException(fileVar + ": " + e.getMessage(), e);
        }
      }
      return ref;
    }

    /** Indices are named {@code <prefix>-<logical name>}; default {@code leaverwatch}. */
    public Builder indexPrefix(String indexPrefix) {
      String p = Objects.requireNonNull(indexPrefix, "indexPrefix").trim();
      if (p.isEmpty() || !p.matches("[a-z0-9][a-z0-9_.-]*")) {
        throw new IllegalArgumentException(
            "index prefix must be lowercase letters, digits, '-', '_' or '.', got: " + indexPrefix);
      }
      this.indexPrefix = p;
      return this;
    }

    public Builder bulkMaxActions(int bulkMaxActions) {
      this.bulkMaxActions = positive("bulkMaxActions", bulkMaxActions);
      return this;
    }

    public Builder bulkMaxBytes(long bulkMaxBytes) {
      if (bulkMaxBytes <= 0) {
        throw new IllegalArgumentException("bulkMaxBytes must be > 0, got " + bulkMaxBytes);
      }
      this.bulkMaxBytes = bulkMaxBytes;
      return this;
    }

    public Builder flushInterval(Duration flushInterval) {
      if (flushInterval.isNegative() || flushInterval.isZero()) {
        throw new IllegalArgumentException("flushInterval must be > 0, got " + flushInterval);
      }
      this.flushInterval = flushInterval;
      return this;
    }

    public Builder maxConcurrentRequests(int maxConcurrentRequests) {
      this.maxConcurrentRequests = positive("maxConcurrentRequests", maxConcurrentRequests);
      return this;
    }

    /**
     * Retries of one document after 429, a 5xx or a connection error; then the job fails. Default:
     * no limit (the back-off between retries is capped by {@link #backoff}).
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "backoff must satisfy 0 < initial <= max, got " + initial + ", " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public ElasticsearchSinkConfig build() {
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("at least one Elasticsearch URL is required");
      }
      if (username != null && password == null && passwordRef == null) {
        throw new IllegalArgumentException("basic auth needs a password for " + username);
      }
      return new ElasticsearchSinkConfig(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be > 0, got " + value);
      }
      return value;
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
