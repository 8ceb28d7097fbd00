package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs in the build, so {@code docker compose config} cannot: this parses the
 * compose file and keeps the image versions in docker/.env equal to those the build and the tests
 * use (parent pom properties).
 */
class DockerStackTest {

  private static final Path ROOT = KibanaSavedObjectsTest.repoRoot();
  private static final Path DOCKER = ROOT.resolve("docker");

  static Map<String, String> pomProperties() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Map<String, String> properties = new HashMap<>();
    Matcher m =
        Pattern.compile("<([a-z][a-z0-9.\\-]*)>([^<]*)</\\1>")
            .matcher(pom.substring(pom.indexOf("<properties>"), pom.indexOf("</properties>")));
    while (m.find()) {
      properties.put(m.group(1), m.group(2).trim());
    }
    return properties;
  }

  static Map<String, String> dotEnv() throws IOException {
    Map<String, String> env = new HashMap<>();
    List<String> lines = Files.readAllLines(DOCKER.resolve(".env"), StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      assertThat(eq).as("docker/.env line %d is KEY=VALUE: %s", i + 1, line).isPositive();
      env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return env;
  }

  @Test
  void imageVersionsEqualTheVersionsTheBuildAndTestsUse() throws IOException {
    Map<String, String> pom = pomProperties();
    Map<String, String> env = dotEnv();
    assertThat(env.get("KAFKA_VERSION"))
        .as("KAFKA_VERSION vs kafka.version")
        .isEqualTo(pom.get("kafka.version"));
    assertThat(env.get("ELASTICSEARCH_VERSION"))
        .as("ELASTICSEARCH_VERSION vs elasticsearch.server.version")
        .isEqualTo(pom.get("elasticsearch.server.version"));
    assertThat(env.get("FLINK_VERSION"))
        .as("FLINK_VERSION vs flink.version")
        .isEqualTo(pom.get("flink.version"));
  }

  @Test
  void composeFileParsesAndWiresTheWholeStack() throws IOException {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("docker-compose.yml").toFile());
    JsonNode services = compose.path("services");
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .contains(
            "kafka",
            "kafka-topics",
            "elasticsearch",
            "kibana",
            "setup",
            "jobmanager",
            "taskmanager",
            "job-submit");

    Map<String, String> env = dotEnv();
    Map<String, String> images = new HashMap<>();
    for (String name : names) {
      JsonNode service = services.get(name);
      String image = service.path("image").asText();
      assertThat(image).as("image of %s", name).isNotBlank();
      images.put(name, substitute(image, env));
      for (Iterator<String> it = service.path("depends_on").fieldNames(); it.hasNext(); ) {
        assertThat(names).as("%s depends on", name).contains(it.next());
      }
      for (JsonNode volume : service.path("volumes")) {
        String host = volume.asText().split(":")[0];
        if (host.startsWith(".") && !host.contains("/target/")) {
          assertThat(DOCKER.resolve(host).normalize()).as("%s mounts %s", name, host).exists();
        }
      }
    }
    Map<String, String> pom = pomProperties();
    assertThat(images.get("kafka")).isEqualTo("apache/kafka:" + pom.get("kafka.version"));
    assertThat(images.get("elasticsearch"))
        .isEqualTo(
            "docker.elastic.co/elasticsearch/elasticsearch:"
                + pom.get("elasticsearch.server.version"));
    assertThat(images.get("kibana"))
        .isEqualTo("docker.elastic.co/kibana/kibana:" + pom.get("elasticsearch.server.version"));
    assertThat(images.get("jobmanager")).isEqualTo("flink:" + pom.get("flink.version") + "-java17");
    assertThat(services.path("job-submit").path("command").asText())
        .contains("io.leaverwatch.jobs.DetectionJob", "leaverwatch-job.jar");
  }

  /**
   * Replaces ${VAR}; fails on a variable .env does not define (compose would use an empty string).
   */
  private static String substitute(String value, Map<String, String> env) {
    Matcher m = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      assertThat(env).as("docker/.env defines %s", m.group(1)).containsKey(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(env.get(m.group(1))));
    }
    return m.appendTail(out).toString();
  }
}
