package io.leaverwatch.jobs.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.leaverwatch.core.redact.Redactor;
import io.leaverwatch.core.redact.SecretRef;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The configuration of {@code leaverwatch run} and of the job jar: a YAML file, overridden key by
 * key by environment variables named {@code LEAVERWATCH_<SECTION>_<KEY>} (for example {@code
 * LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS}, {@code LEAVERWATCH_ES_URLS}). Secrets never come from the
 * file: passwords are read from the environment or from a file named there. This object, which
 * travels inside the Flink job graph, holds only where they are (the variable's name or the file's
 * path); the Kafka clients read them where they are created (see {@link KafkaSecretProvider}).
 */
public final class PipelineConfig implements Serializable {
  /** Every key the file may hold, with its default (null: required or optional without one). */
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("kafka.bootstrap_servers", null);
    KEYS.put("kafka.security_protocol", "PLAINTEXT");
    KEYS.put("kafka.sasl_mechanism", null);
    KEYS.put("kafka.sasl_username", null);
    KEYS.put("kafka.ssl_truststore_location", null);
    KEYS.put("kafka.group_id", "leaverwatch-detection");
    KEYS.put("kafka.transactional_id_prefix", "leaverwatch-findings");
    KEYS.put("topics.raw", "audit.raw");
    KEYS.put("topics.events", "audit.events");
    KEYS.put("topics.dlq", "audit.dlq");
    KEYS.put("topics.departures", "hr.departures");
    KEYS.put("topics.identities", "iam.identities");
    KEYS.put("topics.access", "iam.access-snapshots");
    KEYS.put("topics.findings", "leaverwatch.findings");
    KEYS.put("elasticsearch.urls", null);
    KEYS.put("elasticsearch.index_prefix", "leaverwatch");
    KEYS.put("rules_dir", null);
    // how often the running job looks at the rules folder for changed role baselines (0s: never)
    KEYS.put("rules_reload_interval", "10s");
    KEYS.put("checkpoint_dir", null);
    KEYS.put("checkpoint_interval", "15s");
    KEYS.put("max_out_of_orderness", "15m");
    KEYS.put("max_clock_skew", "1h");
    // the longest wait between two restarts after failures (exponential delay from 1 s)
    KEYS.put("restart.max_backoff", "5m");
    KEYS.put("parallelism", "2");
    KEYS.put("starting_offsets", "earliest");
    // the REST endpoint (web UI) of the local cluster `leaverwatch run` starts: loopback only
    KEYS.put("flink.rest.bind_address", "127.0.0.1");
    // ANOMALOUS_ACTIVITY in the streaming job (the anomaly module's extension): the model
    // directory (`leaverwatch train --out`, or a folder of them), and how often it is looked at
    KEYS.put("anomaly.model_dir", null);
    KEYS.put("anomaly.reload_interval", "1m");
  }

  public static final String ENV_SASL_PASSWORD = "LEAVERWATCH_KAFKA_SASL_PASSWORD";
  public static final String ENV_SASL_PASSWORD_FILE = "LEAVERWATCH_KAFKA_SASL_PASSWORD_FILE";
  public static final String ENV_TRUSTSTORE_PASSWORD = "LEAVERWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD";
  public static final String ENV_TRUSTSTORE_PASSWORD_FILE =
      "LEAVERWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE";

  private static final long serialVersionUID = 2L;

  private final TreeMap<String, String> values;
  private final SecretRef saslPassword;
  private final SecretRef truststorePassword;

  private PipelineConfig(
      TreeMap<String, String> values, SecretRef saslPassword, SecretRef truststorePassword) {
    this.values = values;
    this.saslPassword = saslPassword;
    this.truststorePassword = truststorePassword;
  }

  /** Reads the file (may be null: environment and defaults only) and applies the environment. */
  public static PipelineConfig load(Path file, Map<String, String> env) {
    TreeMap<String, String> values = new TreeMap<>();
    if (file != null) {
      JsonNode root;
      try {
        root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            file
                + ":"
                + e.getLocation().getLineNr()
                + ": not valid YAML: "
                + e.getOriginalMessage());
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
      }
      if (root != null && !root.isMissingNode() && !root.isNull()) {
        if (!root.isObject()) {
          throw new IllegalArgumentException(file + ":1: expected a mapping of settings");
        }
        flatten("", root, values, file);
      }
    }
    for (String key : KEYS.keySet()) {
      String v = env.get(envName(key));
      if (v != null && !v.isBlank()) {
        values.put(key, v.trim());
      }
    }
    KEYS.forEach(
        (k, def) -> {
          if (def != null) {
            values.putIfAbsent(k, def);
          }
        });
    SecretRef password = SecretRef.fromEnvironment(env, ENV_SASL_PASSWORD, ENV_SASL_PASSWORD_FILE);
    SecretRef truststore =
        SecretRef.fromEnvironment(env, ENV_TRUSTSTORE_PASSWORD, ENV_TRUSTSTORE_PASSWORD_FILE);
    for (SecretRef ref : new SecretRef[] {password, truststore}) {
      if (ref != null && ref.isFile()) {
        // read once here for an early, clear error; the clients read it again where they run
        try {
          ref.resolve(env);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(e.getMessage(), e);
        }
      }
    }
    PipelineConfig c = new PipelineConfig(values, password, truststore);
    c.validate(file);
    return c;
  }

  /** {@code kafka.bootstrap_servers} → {@code LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS}. */
  public static String envName(String key) {
    String k = key.replace("elasticsearch.", "es.");
    return "LEAVERWATCH_" + k.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(key + ".", v, out, file);
      } else if (!KEYS.containsKey(key)) {
        if (key.contains("password") || key.contains("api_key") || key.contains("secret")) {
          throw new IllegalArgumentException(
              file + ": " + key + ": secrets are not read from the file; use the environment");
        }
        throw new IllegalArgumentException(
            file
                + ": "
                + key
                + ": unknown setting (known: "
                + String.join(", ", KEYS.keySet())
                + ")");
      } else if (v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(x -> items.add(x.asText()));
        out.put(key, String.join(",", items));
      } else if (!v.isNull()) {
        out.put(key, v.asText());
      }
    }
  }

  private void validate(Path file) {
    String where = file == null ? "configuration" : file.toString();
    if (get("kafka.bootstrap_servers") == null) {
      throw new IllegalArgumentException(
          where
              + ": kafka.bootstrap_servers is required (or "
              + envName("kafka.bootstrap_servers")
              + ")");
    }
    String proto = get("kafka.security_protocol").toUpperCase(Locale.ROOT);
    if (!List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(proto)) {
      throw new IllegalArgumentException(
          where + ": kafka.security_protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
    }
    if (proto.startsWith("SASL") && (get("kafka.sasl_username") == null || saslPassword == null)) {
      throw new IllegalArgumentException(
          where
              + ": SASL needs kafka.sasl_username and "
              + ENV_SASL_PASSWORD
              + " (or "
              + ENV_SASL_PASSWORD_FILE
              + ")");
    }
    try {
      checkpointInterval();
      maxOutOfOrderness();
      int p = parallelism();
      if (p < 1 || p > 256) {
        throw new IllegalArgumentException("out of range");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          where + ": checkpoint_interval or parallelism is invalid: " + e.getMessage());
    }
    try {
      if (maxClockSkew().isNegative()) {
        throw new IllegalArgumentException("negative");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          where + ": max_clock_skew is invalid (a duration such as 1h): " + e.getMessage());
    }
    try {
      if (restartMaxBackoff().compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("below 1s");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          where
              + ": restart.max_backoff is invalid (a duration of at least 1s such as 5m): "
              + e.getMessage());
    }
    try {
      if (rulesReloadInterval().isNegative()) {
        throw new IllegalArgumentException("negative");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          where
              + ": rules_reload_interval is invalid (a duration such as 10s, or 0s for never): "
              + e.getMessage());
    }
    try {
      if (anomalyReloadInterval().isNegative()) {
        throw new IllegalArgumentException("negative");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          where
              + ": anomaly.reload_interval is invalid (a duration such as 1m): "
              + e.getMessage());
    }
    String offsets = get("starting_offsets");
    if (!offsets.equals("earliest") && !offsets.equals("latest") && !offsets.equals("committed")) {
      throw new IllegalArgumentException(
          where + ": starting_offsets must be earliest, latest or committed");
    }
  }

  public String get(String key) {
    return values.get(key);
  }

  public String bootstrapServers() {
    return get("kafka.bootstrap_servers");
  }

  public String topic(String name) {
    return get("topics." + name);
  }

  public List<String> elasticsearchUrls() {
    String v = get("elasticsearch.urls");
    return v == null ? List.of() : List.of(v.split("\\s*,\\s*"));
  }

  public String indexPrefix() {
    return get("elasticsearch.index_prefix");
  }

  public Duration checkpointInterval() {
    return io.leaverwatch.core.rules.Durations.parse(get("checkpoint_interval"));
  }

  /** How late an audit event may arrive after a later one (CloudTrail: up to ~15 min). */
  public Duration maxOutOfOrderness() {
    return io.leaverwatch.core.rules.Durations.parse(get("max_out_of_orderness"));
  }

  /**
   * How far after its arrival (the Kafka record's timestamp) an audit event may be stamped: later
   * ones come from a wrong clock and are dead-lettered, so they cannot move event time.
   */
  public Duration maxClockSkew() {
    return io.leaverwatch.core.rules.Durations.parse(get("max_clock_skew"));
  }

  /** The longest wait between two restarts of the job after failures. */
  public Duration restartMaxBackoff() {
    return io.leaverwatch.core.rules.Durations.parse(get("restart.max_backoff"));
  }

  /** The ANOMALOUS_ACTIVITY model directory, or null: the streaming job runs without it. */
  public String anomalyModelDir() {
    return get("anomaly.model_dir");
  }

  /** How often the streaming job looks for a new model in {@code anomaly.model_dir}. */
  public Duration anomalyReloadInterval() {
    return io.leaverwatch.core.rules.Durations.parse(get("anomaly.reload_interval"));
  }

  public int parallelism() {
    return Integer.parseInt(get("parallelism"));
  }

  public String checkpointDir() {
    return get("checkpoint_dir");
  }

  public String rulesDir() {
    return get("rules_dir");
  }

  /** How often the running job reads the rules folder for a changed bundle; zero: never. */
  public Duration rulesReloadInterval() {
    return io.leaverwatch.core.rules.Durations.parse(get("rules_reload_interval"));
  }

  public String startingOffsets() {
    return get("starting_offsets");
  }

  public String groupId() {
    return get("kafka.group_id");
  }

  public String transactionalIdPrefix() {
    return get("kafka.transactional_id_prefix");
  }

  /** Where the REST endpoint of the local cluster listens ({@code flink.rest.bind_address}). */
  public String restBindAddress() {
    return get("flink.rest.bind_address");
  }

  /**
   * What would send a credential in clear text: Elasticsearch credentials to an {@code http://}
   * URL, a SASL PLAIN password without TLS. Empty when nothing would; {@code leaverwatch run}
   * refuses to start otherwise unless given {@code --allow-insecure}.
   */
  public List<String> cleartextCredentials(Map<String, String> env) {
    List<String> out = new ArrayList<>();
    boolean esCredentials =
        SecretRef.fromEnvironment(env, "LEAVERWATCH_ES_API_KEY", "LEAVERWATCH_ES_API_KEY_FILE")
                != null
            || (env.get("LEAVERWATCH_ES_USERNAME") != null
                && !env.get("LEAVERWATCH_ES_USERNAME").isBlank());
    if (esCredentials) {
      for (String url : elasticsearchUrls()) {
        if (url.toLowerCase(Locale.ROOT).startsWith("http://")) {
          out.add("Elasticsearch credentials would be sent over plain http:// to " + url);
        }
      }
    }
    String proto = get("kafka.security_protocol").toUpperCase(Locale.ROOT);
    String mech = get("kafka.sasl_mechanism") == null ? "PLAIN" : get("kafka.sasl_mechanism");
    if (proto.equals("SASL_PLAINTEXT") && mech.equalsIgnoreCase("PLAIN")) {
      out.add("the Kafka SASL PLAIN password would be sent without TLS (SASL_PLAINTEXT)");
    }
    return out;
  }

  /**
   * Kafka client security settings (TLS, SASL) for consumers, producers and admin clients. Secrets
   * appear as {@link KafkaSecretProvider} placeholders, resolved by each client where it is
   * created; the JAAS values are escaped, so that no {@code "}, {@code \} or {@code ;} in a
   * username or password can end the string.
   */
  public Properties kafkaSecurity() {
    Properties p = new Properties();
    String proto = get("kafka.security_protocol").toUpperCase(Locale.ROOT);
    p.setProperty("security.protocol", proto);
    if (saslPassword != null || truststorePassword != null) {
      p.putAll(KafkaSecretProvider.declaration());
    }
    if (get("kafka.ssl_truststore_location") != null) {
      p.setProperty("ssl.truststore.location", get("kafka.ssl_truststore_location"));
      if (truststorePassword != null) {
        p.setProperty(
            "ssl.truststore.password", KafkaSecretProvider.placeholder(truststorePassword, false));
      }
    }
    if (proto.startsWith("SASL")) {
      String mech = get("kafka.sasl_mechanism") == null ? "PLAIN" : get("kafka.sasl_mechanism");
      p.setProperty("sasl.mechanism", mech);
      String module =
          mech.startsWith("SCRAM")
              ? "org.apache.kafka.common.security.scram.ScramLoginModule"
              : "org.apache.kafka.common.security.plain.PlainLoginModule";
      p.setProperty(
          "sasl.jaas.config",
          module
              + " required username="
              + JaasValues.quote(get("kafka.sasl_username"))
              + " password=\""
              + KafkaSecretProvider.placeholder(saslPassword, true)
              + "\";");
    }
    return p;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("PipelineConfig{");
    values.forEach((k, v) -> sb.append(k).append('=').append(v).append(", "));
    sb.append("sasl_password_from=")
        .append(saslPassword == null ? "unset" : saslPassword)
        .append('}');
    return Redactor.redact(sb.toString());
  }
}
