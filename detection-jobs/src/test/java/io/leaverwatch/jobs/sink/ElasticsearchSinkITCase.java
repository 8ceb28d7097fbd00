package io.leaverwatch.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

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
  void aDocumentTheMappingRejectsGoesToTheDeadLetterIndexAndEveryOtherArrives() throws Exception {
    ElasticsearchClient client = es.client();
    IndexTemplates.install(client, "sinkit"); // the strict dead-letter template under test
    client
        .indices()
        .create(
            c ->
                c.index("sinkit-strict")
                    .withJson(
                        new StringReader(
                            "{\"mappings\":{\"dynamic\":\"strict\",\"properties\":"
                                + "{\"n\":{\"type\":\"long\"},\"label\":{\"type\":\"keyword\"}}}}")));
    List<String> elements = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      elements.add("ok-" + i + ":" + i);
    }
    elements.add(25, "bad-7:seven");
    StreamExecutionEnvironment env = env();
    env.fromData(elements)
        .sinkTo(ElasticsearchSink.of(config(), new ColonMapper("strict")))
        .name("es");
    env.execute("mapping error"); // the job finishes: no exception, no restart

    client.indices().refresh(r -> r.index("sinkit-strict", "sinkit-dlq"));
    assertThat(client.count(c -> c.index("sinkit-strict")).count()).isEqualTo(50);
    var letters =
        client.search(
            q ->
                q.index("sinkit-dlq")
                    .query(x -> x.term(t -> t.field("document_id").value("bad-7"))),
            Map.class);
    assertThat(letters.hits().hits()).hasSize(1);
    Map<?, ?> letter = letters.hits().hits().get(0).source();
    assertThat(letter.get("document_index")).isEqualTo("sinkit-strict");
    assertThat(letter.get("http_status")).isEqualTo(400);
    assertThat((String) letter.get("reason"))
        .contains("id=bad-7", "index sinkit-strict", "parsing_exception");
    assertThat(letter.get("document")).isEqualTo(Map.of("n", "seven", "label", "doc seven"));
  }

  /** Revision 5 then revision 3 of one finding, and again after a "restart": 5 stays. */
  @Test
  void anOlderRevisionOfAFindingNeverOverwritesANewerOne() throws Exception {
    ElasticsearchClient client = es.client();
    IndexTemplates.install(client, "sinkit");
    io.leaverwatch.schema.Finding newer = IndexTemplatesITCase.finding();
    newer.setFindingId("f-versioned");
    newer.setEventCount(5);
    newer.setRevision(5);
    io.leaverwatch.schema.Finding older =
        io.leaverwatch.schema.Finding.newBuilder(newer).setEventCount(3).setRevision(3).build();
    for (int run = 0; run < 2; run++) {
      try (ElasticsearchSinkWriter<io.leaverwatch.schema.Finding> writer =
          new ElasticsearchSinkWriter<>(config(), new FindingDocumentMapper())) {
        if (run == 0) {
          writer.write(newer, null);
          writer.flush(false);
          writer.write(older, null);
        } else {
          // a replay from scratch: both again, the older last
          writer.write(older, null);
          writer.flush(false);
          writer.write(newer, null);
          writer.flush(false);
          writer.write(older, null);
        }
        writer.flush(true);
        assertThat(writer.deadLettered()).isZero();
        assertThat(writer.versionConflicts()).isEqualTo(run == 0 ? 1 : 3);
      }
    }
    @SuppressWarnings("rawtypes")
    var stored = client.get(g -> g.index("sinkit-findings").id("f-versioned"), Map.class);
    assertThat(stored.version()).isEqualTo(5);
    assertThat(stored.source()).containsEntry("revision", 5).containsEntry("event_count", 5);
  }
}
