package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.core.redact.SecretRef;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * A Kafka config provider that reads a secret where the Kafka client is created (in the TaskManager
 * that opens a source or a sink), so that the client properties carried in the job graph hold only
 * a reference: {@code ${leaverwatch:env:NAME}} (environment variable) or {@code
 * ${leaverwatch:file:/path}} (file content, trimmed). Configured with {@code escape=jaas} (the
 * {@code leaverwatchjaas} provider) it returns the value escaped for the inside of a quoted JAAS
 * option.
 */
public final class KafkaSecretProvider implements ConfigProvider {
  public static final String NAME = "leaverwatch";
  public static final String JAAS_NAME = "leaverwatchjaas";

  private boolean jaas;

  /** The client properties that declare both providers. */
  static Map<String, String> declaration() {
    Map<String, String> p = new HashMap<>();
    p.put("config.providers", NAME + "," + JAAS_NAME);
    p.put("config.providers." + NAME + ".class", KafkaSecretProvider.class.getName());
    p.put("config.providers." + JAAS_NAME + ".class", KafkaSecretProvider.class.getName());
    p.put("config.providers." + JAAS_NAME + ".param.escape", "jaas");
    return p;
  }

  /** The placeholder for a secret: {@code ${leaverwatch:env:NAME}} or {@code ...:file:PATH}. */
  static String placeholder(SecretRef ref, boolean forJaas) {
    return "${"
        + (forJaas ? JAAS_NAME : NAME)
        + ":"
        + (ref.isFile() ? "file" : "env")
        + ":"
        + ref.location()
        + "}";
  }

  @Override
  public void configure(Map<String, ?> configs) {
    jaas = "jaas".equals(configs.get("escape"));
  }

  @Override
  public ConfigData get(String path) {
    return new ConfigData(Map.of());
  }

  @Override
  public ConfigData get(String path, Set<String> keys) {
    Map<String, String> data = new HashMap<>();
    for (String key : keys) {
      SecretRef ref = "file".equals(path) ? SecretRef.file(key) : SecretRef.env(key);
      String value = ref.resolve();
      data.put(key, jaas ? JaasValues.escape(value) : value);
    }
    return new ConfigData(data);
  }

  @Override
  public void close() {}
}
