package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedServicesITCase {

  private static final Path DIR = Path.of("target/embedded-services-itcase").toAbsolutePath();

  @Test
  void startsBothServicesUsesThemAndLeavesNoProcessAfterClose() throws Exception {
    SharedEmbeddedServices.deleteRecursively(DIR);
    CompletableFuture<EmbeddedElasticsearch> esStart =
        CompletableFuture.supplyAsync(
            () -> timed("elasticsearch", () -> EmbeddedElasticsearch.start(DIR.resolve("es"))));
    EmbeddedKafka kafka = timed("kafka", () -> EmbeddedKafka.start(DIR.resolve("kafka")));
    EmbeddedElasticsearch es = esStart.join();
    List<Long> pids = new ArrayList<>(es.pids());
    pids.add(kafka.pid());
    try {
      kafka.createTopic("embedded.check", 2, false);
      kafka.createTopic("embedded.compacted", 1, true);
      kafka.createTopic("embedded.check", 2, false); // exists: no error
      assertThat(roundTrip(kafka.bootstrapServers(), "embedded.check"))
          .isEqualTo("departed:alice@example.com");

      ElasticsearchClient client = es.client();
      client.index(
          i ->
              i.index("embedded-check")
                  .id("f-1")
                  .document(Map.of("person_id", "p-1", "type", "POST_DEPARTURE_ACTIVITY"))
                  .refresh(co.elastic.clients.elasticsearch._types.Refresh.True));
      SearchResponse<Map> hits =
          client.search(
              s ->
                  s.index("embedded-check")
                      .query(q -> q.term(t -> t.field("person_id.keyword").value("p-1"))),
              Map.class);
      assertThat(hits.hits().hits()).hasSize(1);
      assertThat(hits.hits().hits().get(0).id()).isEqualTo("f-1");
      assertThat(es.pids()).hasSizeGreaterThanOrEqualTo(2); // launcher + node JVM
    } finally {
      kafka.close();
      es.close();
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty();
    }
    assertThat(DIR.resolve("kafka/kafka.pid")).doesNotExist();
    assertThat(DIR.resolve("es/elasticsearch.pid")).doesNotExist();
  }

  private static String roundTrip(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "p-1", "departed:alice@example.com")).get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-check");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          return r.value();
        }
      }
    }
    throw new AssertionError("no record consumed within 30 s");
  }

  private static <T> T timed(String what, java.util.function.Supplier<T> start) {
    long t0 = System.nanoTime();
    T started = start.get();
    System.out.printf("%s started in %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
    return started;
  }
}
