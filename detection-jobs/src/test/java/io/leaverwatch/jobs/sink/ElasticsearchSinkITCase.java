package io.leaverwatch.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.leaverwatch.embedded.EmbeddedElasticsearch;
import io.leaverwatch.embedded.SharedEmbeddedServices;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ElasticsearchSinkITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static EmbeddedElasticsearch es;

  @BeforeAll
  static void startElasticsearch() {
    es = SharedEmbeddedServices.elasticsearch();
  }

  /** Element "id:value": the document {"n": value} under id, in index "sinkit-<index>". */
  static final class ColonMapper implements DocumentMapper<String> {
    private static final long serialVersionUID = 1L;
    private final String index;

    ColonMapper(String index) {
      this.index = index;
    }

    @Override
    public String index(String element) {
      return index;
    }

    @Override
    public String id(String element) {
      return element.substring(0, element.indexOf(':'));
    }

    @Override
    public Map<String, Object> document(String element) {
      String value = element.substring(element.indexOf(':') + 1);
      Object n =
          value.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(value) : value;
      return Map.of("n", n, "label", "doc " + value);
    }
  }

  private static ElasticsearchSinkConfig config() {
    return ElasticsearchSinkConfig.builder()
        .url(es.httpUrl())
        .indexPrefix("sinkit")
        .bulkMaxActions(37)
        .build();
  }

  private static StreamExecutionEnvironment env() {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  @Test
  void writingTheSameHundredDocumentsTwiceLeavesExactlyOneHundred() throws Exception {
    List<String> elements = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 100; i++) {
        elements.add("doc-" + i + ":" + i);
      }
    }
    StreamExecutionEnvironment env = env();
    env.fromData(elements)
        .sinkTo(ElasticsearchSink.of(config(), new ColonMapper("twice")))
        .name("es");
    env.execute("same documents twice");

    ElasticsearchClient client = es.client();
    client.indices().refresh(r -> r.index("sinkit-twice"));
    assertThat(client.count(c -> c.index("sinkit-twice")).count()).isEqualTo(100);
    @SuppressWarnings("unchecked")
    Map<String, Object> doc42 =
        client.get(g -> g.index("sinkit-twice").id("doc-42"), Map.class).source();
    assertThat(doc42).containsEntry("n", 42).containsEntry("label", "doc 42");
  }

  @Test
  void aDocumentTheMappingRejectsFailsTheJobNamingIndexIdAndReason() throws Exception {
    ElasticsearchClient client = es.client();
    client
        .indices()
        .create(
            c ->
                c.index("sinkit-strict")
                    .withJson(
                        new StringReader(
                            "{\"mappings\":{\"dynamic\":\"strict\",\"properties\":"
                                + "{\"n\":{\"type\":\"long\"},\"label\":{\"type\":\"keyword\"}}}}")));
    StreamExecutionEnvironment env = env();
    env.fromData(List.of("ok-1:1", "bad-7:seven", "ok-2:2"))
        .sinkTo(ElasticsearchSink.of(config(), new ColonMapper("strict")))
        .name("es");

    assertThatThrownBy(() -> env.execute("mapping error"))
        .rootCause()
        .isInstanceOf(DocumentRejectedException.class)
        .hasMessageContaining("id=bad-7")
        .hasMessageContaining("index sinkit-strict")
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("parsing_exception");
  }
}
