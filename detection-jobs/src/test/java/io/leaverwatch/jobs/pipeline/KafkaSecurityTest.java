package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka client settings {@code run} and the job jar give every consumer and producer: read as a
 * Kafka client reads them (its config classes, its JAAS parser), a password or username with
 * quotes, backslashes or semicolons stays one value and adds no option or login module.
 */
class KafkaSecurityTest {
  @TempDir Path dir;

  /** The options of a login module, as a plain map. */
  static Map<String, Object> options(AppConfigurationEntry entry) {
    return new HashMap<>(entry.getOptions());
  }

  /** What a Kafka producer made from these properties would log in with. */
  static AppConfigurationEntry login(Properties security) {
    Properties p = new Properties();
    p.putAll(security);
    p.put("bootstrap.servers", "kafka:9093");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    ProducerConfig config = new ProducerConfig(p);
    List<AppConfigurationEntry> entries =
        JaasContext.loadClientContext(config.values()).configurationEntries();
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  PipelineConfig sasl(String username, String password) throws Exception {
    Path file = dir.resolve("sasl.password");
    Files.writeString(file, password + "\n");
    Map<String, String> env = new HashMap<>();
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "kafka:9093");
    env.put("LEAVERWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("LEAVERWATCH_KAFKA_SASL_USERNAME", username);
    env.put(PipelineConfig.ENV_SASL_PASSWORD_FILE, file.toString());
    return PipelineConfig.load(null, env);
  }

  @Test
  void aPasswordWithQuotesBackslashesAndSemicolonsStaysOneValue() throws Exception {
    String password = "p\"w\\d; org.evil.LoginModule required debug=\"true\";x";
    AppConfigurationEntry entry = login(sasl("svc-leaverwatch", password).kafkaSecurity());

    assertThat(entry.getLoginModuleName())
        .isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
    assertThat(options(entry))
        .containsOnlyKeys("username", "password")
        .containsEntry("username", "svc-leaverwatch")
        .containsEntry("password", password);
  }

  @Test
  void aUsernameCannotBreakOutEither() throws Exception {
    String username = "svc\" password=\"guess\" admin=\"true";
    AppConfigurationEntry entry = login(sasl(username, "s3cret\\").kafkaSecurity());

    assertThat(options(entry))
        .containsOnlyKeys("username", "password")
        .containsEntry("username", username)
        .containsEntry("password", "s3cret\\");
  }

  @Test
  void theTruststorePasswordIsReadByTheClient() throws Exception {
    Path file = dir.resolve("truststore.password");
    Files.writeString(file, "trust;me\"\n");
    Map<String, String> env = new HashMap<>();
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "kafka:9093");
    env.put("LEAVERWATCH_KAFKA_SECURITY_PROTOCOL", "SSL");
    env.put("LEAVERWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.jks");
    env.put(PipelineConfig.ENV_TRUSTSTORE_PASSWORD_FILE, file.toString());
    Properties security = PipelineConfig.load(null, env).kafkaSecurity();
    Properties p = new Properties();
    p.putAll(security);
    p.put("bootstrap.servers", "kafka:9093");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());

    ProducerConfig config = new ProducerConfig(p);

    assertThat(config.getPassword("ssl.truststore.password").value()).isEqualTo("trust;me\"");
    assertThat(security.getProperty("ssl.truststore.password")).doesNotContain("trust;me");
  }
}
