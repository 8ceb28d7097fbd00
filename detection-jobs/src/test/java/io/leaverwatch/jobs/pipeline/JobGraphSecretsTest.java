package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.jobs.TestDirs;
import io.leaverwatch.jobs.sink.ElasticsearchSink;
import io.leaverwatch.jobs.sink.ElasticsearchSinkConfig;
import io.leaverwatch.jobs.sink.FindingDocumentMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No credential travels in the job graph: the graph (every operator, source and sink, serialised as
 * Flink serialises them to ship them to the TaskManagers) holds the names of the variables and the
 * paths of the files, never their values.
 */
class JobGraphSecretsTest {
  static final String SASL_PASSWORD = "kafka-sasl-Secret-7f3e91";
  static final String TRUSTSTORE_PASSWORD = "truststore-Secret-b2c4d8";
  static final String ES_API_KEY = "ZXMtYXBpLWtleS1TZWNyZXQtOWE4Yjdj";
  static final String ES_PASSWORD_IN_FILE = "es-file-Secret-1d2e3f";

  @TempDir Path dir;

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "kafka-1.internal:9093");
    env.put("LEAVERWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("LEAVERWATCH_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
    env.put("LEAVERWATCH_KAFKA_SASL_USERNAME", "leaverwatch");
    env.put("LEAVERWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.jks");
    env.put(PipelineConfig.ENV_SASL_PASSWORD, SASL_PASSWORD);
    env.put(PipelineConfig.ENV_TRUSTSTORE_PASSWORD, TRUSTSTORE_PASSWORD);
    env.put("LEAVERWATCH_ES_URLS", "https://es-1.internal:9200");
    env.put(ElasticsearchSinkConfig.ENV_API_KEY, ES_API_KEY);
    env.put("LEAVERWATCH_CHECKPOINT_DIR", dir.resolve("checkpoints").toUri().toString());
    return env;
  }

  static byte[] javaSerialized(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  static void assertAbsent(byte[] haystack, String secret) {
    String asLatin1 = new String(haystack, StandardCharsets.ISO_8859_1);
    assertThat(asLatin1).as("serialised bytes contain " + secret).doesNotContain(secret);
  }

  @Test
  void theStreamingJobGraphHoldsNoCredential() throws Exception {
    Map<String, String> env = env();
    PipelineConfig cfg = PipelineConfig.load(null, env);
    StreamExecutionEnvironment flink =
        StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    StreamingPipeline.build(flink, cfg, TestDirs.rules().toString(), env);
    JobGraph graph = flink.getStreamGraph().getJobGraph();

    byte[] bytes = javaSerialized(graph);

    assertThat(bytes.length).isGreaterThan(10_000);
    // the graph does hold the sinks and sources: their settings are in there
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
        .contains("kafka-1.internal:9093")
        .contains("LEAVERWATCH_KAFKA_SASL_PASSWORD");
    assertAbsent(bytes, SASL_PASSWORD);
    assertAbsent(bytes, TRUSTSTORE_PASSWORD);
    assertAbsent(bytes, ES_API_KEY);
  }

  @Test
  void theConfigurationAndTheSinkSerialiseWithoutTheirSecrets() throws Exception {
    Path passwordFile = dir.resolve("es.password");
    Files.writeString(passwordFile, ES_PASSWORD_IN_FILE + "\n");
    Map<String, String> env = env();
    env.remove(ElasticsearchSinkConfig.ENV_API_KEY);
    env.put(ElasticsearchSinkConfig.ENV_USERNAME, "writer");
    env.put(ElasticsearchSinkConfig.ENV_PASSWORD_FILE, passwordFile.toString());

    PipelineConfig cfg = PipelineConfig.load(null, env);
    ElasticsearchSinkConfig es =
        ElasticsearchSinkConfig.builder()
            .urls(cfg.elasticsearchUrls())
            .credentialsFromEnvironment(env)
            .build();
    byte[] config = javaSerialized(cfg);
    byte[] sink = javaSerialized(ElasticsearchSink.of(es, new FindingDocumentMapper()));

    assertAbsent(config, SASL_PASSWORD);
    assertAbsent(config, TRUSTSTORE_PASSWORD);
    assertAbsent(sink, ES_PASSWORD_IN_FILE);
    assertThat(new String(sink, StandardCharsets.ISO_8859_1)).contains(passwordFile.toString());
    assertThat(cfg.kafkaSecurity().toString())
        .doesNotContain(SASL_PASSWORD)
        .doesNotContain(TRUSTSTORE_PASSWORD)
        .contains("${leaverwatchjaas:env:LEAVERWATCH_KAFKA_SASL_PASSWORD}");
  }

  @Test
  void aLiteralKeyCannotBeSerialisedIntoAGraph() {
    ElasticsearchSinkConfig literal =
        ElasticsearchSinkConfig.builder().url("https://es:9200").apiKey(ES_API_KEY).build();

    assertThatThrownBy(
            () -> javaSerialized(ElasticsearchSink.of(literal, new FindingDocumentMapper())))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("credentialsFromEnvironment")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ES_API_KEY));
  }
}
