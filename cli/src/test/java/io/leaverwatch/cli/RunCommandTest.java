package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code leaverwatch run}: what it refuses before it connects, and where its cluster listens. */
class RunCommandTest {
  static final String API_KEY = "cnVuLWNvbW1hbmQtdGVzdC1rZXk6c2VjcmV0";

  @TempDir Path dir;
  HttpServer es;
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  String err;

  @BeforeEach
  void start() throws IOException {
    es = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    es.createContext(
        "/",
        ex -> {
          authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          byte[] body =
              "{\"error\":{\"type\":\"security_exception\",\"reason\":\"test refuses\"},\"status\":403}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
          ex.sendResponseHeaders(403, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    es.start();
  }

  @AfterEach
  void stop() {
    es.stop(0);
    RunCommand.environment = System::getenv;
  }

  String esUrl() {
    return "http://127.0.0.1:" + es.getAddress().getPort();
  }

  int run(String... args) {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args);
    } finally {
      System.setErr(oldErr);
      err = e.toString(StandardCharsets.UTF_8);
    }
  }

  Path config(String yaml) throws IOException {
    Path f = dir.resolve("leaverwatch.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void elasticsearchCredentialsOverPlainHttpAreRefusedWithoutAllowInsecure() throws Exception {
    RunCommand.environment =
        () ->
            Map.of(
                "LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS",
                "127.0.0.1:1",
                "LEAVERWATCH_ES_URLS",
                esUrl(),
                "LEAVERWATCH_ES_API_KEY",
                API_KEY);

    assertThat(run("run")).isEqualTo(2);

    assertThat(err)
        .contains("Elasticsearch credentials would be sent over plain http:// to " + esUrl())
        .contains("--allow-insecure")
        .doesNotContain(API_KEY);
    assertThat(authorizations).isEmpty();
  }

  @Test
  void withAllowInsecureTheKeyGoesToElasticsearch() throws Exception {
    RunCommand.environment =
        () ->
            Map.of(
                "LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS",
                "127.0.0.1:1",
                "LEAVERWATCH_ES_URLS",
                esUrl(),
                "LEAVERWATCH_ES_API_KEY",
                API_KEY);

    // the fake node refuses the index templates: run stops there, before any Kafka connection
    assertThat(run("run", "--allow-insecure")).isEqualTo(1);

    assertThat(authorizations).as(err).contains("ApiKey " + API_KEY);
    assertThat(err).doesNotContain(API_KEY);
  }

  @Test
  void saslPlainWithoutTlsIsRefusedWithoutAllowInsecure() throws Exception {
    Path conf =
        config(
            "kafka:\n  bootstrap_servers: 127.0.0.1:1\n  security_protocol: SASL_PLAINTEXT\n"
                + "  sasl_username: svc\n");
    RunCommand.environment = () -> Map.of(PipelineConfig.ENV_SASL_PASSWORD, "sasl-pass-8812");

    assertThat(run("run", "--config", conf.toString())).isEqualTo(2);

    assertThat(err)
        .contains("SASL PLAIN password would be sent without TLS")
        .doesNotContain("sasl-pass-8812");
  }

  @Test
  void theLocalClusterRestEndpointListensOnLoopbackUnlessConfigured() throws Exception {
    PipelineConfig byDefault =
        PipelineConfig.load(null, Map.of("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
    assertThat(RunCommand.localClusterConfiguration(byDefault).get(RestOptions.BIND_ADDRESS))
        .isEqualTo("127.0.0.1");

    PipelineConfig configured =
        PipelineConfig.load(
            config(
                "kafka:\n  bootstrap_servers: kafka:9092\nflink:\n  rest:\n"
                    + "    bind_address: 0.0.0.0\n"),
            Map.of());
    assertThat(RunCommand.localClusterConfiguration(configured).get(RestOptions.BIND_ADDRESS))
        .isEqualTo("0.0.0.0");
    PipelineConfig fromEnv =
        PipelineConfig.load(
            null,
            Map.of(
                "LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "LEAVERWATCH_FLINK_REST_BIND_ADDRESS", "10.0.0.5"));
    assertThat(fromEnv.restBindAddress()).isEqualTo("10.0.0.5");
  }
}
