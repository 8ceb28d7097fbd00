package io.leaverwatch.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkWriterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHM6cGxlYXNlLWRvbnQtbG9n";

  /** Answers one bulk request: the ids in it → HTTP status and body. */
  private record Answer(int status, String body) {}

  /**
   * A hand-written Elasticsearch stand-in that plays a script of bulk answers, then accepts all.
   */
  private static final class FakeElasticsearch implements AutoCloseable {
    final HttpServer server;
    final Deque<Function<List<String>, Answer>> script = new ArrayDeque<>();
    final List<List<String>> requests = new ArrayList<>();
    final List<Long> requestNanos = new ArrayList<>();
    final List<String> authorizations = new ArrayList<>();
    final List<String> bodies = new ArrayList<>();

    FakeElasticsearch() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized void then(Function<List<String>, Answer> answer) {
      script.add(answer);
    }

    synchronized List<List<String>> requests() {
      return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      List<String> ids = new ArrayList<>();
      String[] lines = body.split("\n");
      for (int i = 0; i < lines.length; i += 2) {
        ids.add(JSON.readTree(lines[i]).path("index").path("_id").asText());
      }
      Function<List<String>, Answer> next;
      synchronized (this) {
        requests.add(ids);
        bodies.add(body);
        requestNanos.add(System.nanoTime());
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        next = script.isEmpty() ? FakeElasticsearch::allCreated : script.poll();
      }
      Answer answer = next.apply(ids);
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }

    static Answer allCreated(List<String> ids) {
      return items(
          ids,
          id ->
              "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\""
                  + id
                  + "\",\"status\":201,\"result\":\"created\"}}");
    }

    static Answer items(List<String> ids, Function<String, String> item) {
      StringBuilder body = new StringBuilder("{\"took\":1,\"errors\":true,\"items\":[");
      for (int i = 0; i < ids.size(); i++) {
        body.append(i == 0 ? "" : ",").append(item.apply(ids.get(i)));
      }
      return new Answer(200, body.append("]}").toString());
    }

    static Answer wholeRequest(int status, String type) {
      return new Answer(
          status,
          "{\"error\":{\"root_cause\":[],\"type\":\""
              + type
              + "\",\"reason\":\"try later\"},\"status\":"
              + status
              + "}");
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Documents are plain strings: the id is the string, the index is always "findings". */
  private static final DocumentMapper<String> BY_ID =
      new DocumentMapper<>() {
        @Override
        public String index(String element) {
          return "findings";
        }

        @Override
        public String id(String element) {
          return element;
        }

        @Override
        public Map<String, Object> document(String element) {
          return Map.of("finding_id", element, "event_count", 1);
        }
      };

  private FakeElasticsearch es;

  @BeforeEach
  void startFake() throws IOException {
    es = new FakeElasticsearch();
  }

  @AfterEach
  void stopFake() {
    es.close();
  }

  private ElasticsearchSinkConfig.Builder config() {
    return ElasticsearchSinkConfig.builder()
        .url(es.url())
        .apiKey(API_KEY)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .maxRetries(3);
  }

  @Test
  void retriesABulkRefusedWith429AfterABackoffAndThenAcknowledgesEverything() throws Exception {
    es.then(ids -> FakeElasticsearch.wholeRequest(429, "es_rejected_execution_exception"));
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(config().build(), BY_ID)) {
      writer.write("f-1", null);
      writer.write("f-2", null);
      writer.write("f-3", null);
      writer.flush(false);

      assertThat(writer.acknowledged()).isEqualTo(3);
      assertThat(writer.retries()).isEqualTo(3);
    }
    List<List<String>> requests = es.requests();
    assertThat(requests.get(0)).containsExactly("f-1", "f-2", "f-3");
    assertThat(requests.stream().skip(1).flatMap(List::stream))
        .containsExactlyInAnyOrder("f-1", "f-2", "f-3");
    assertThat(es.requestNanos.get(1) - es.requestNanos.get(0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(es.authorizations).allMatch(h -> h.equals("ApiKey " + API_KEY));
  }

  @Test
  void neverResendsAnOlderVersionOfAnIdOverANewerOne() throws Exception {
    // "f-1@1" and "f-1@2" are two versions of the finding f-1 (the count grew)
    DocumentMapper<String> versions =
        new DocumentMapper<>() {
          @Override
          public String index(String element) {
            return "findings";
          }

          @Override
          public String id(String element) {
            return element.substring(0, element.indexOf('@'));
          }

          @Override
          public Map<String, Object> document(String element) {
            return Map.of("finding_id", id(element), "version", element);
          }
        };
    java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(1);
    es.then(
        ids -> {
          refused.countDown();
          return FakeElasticsearch.wholeRequest(429, "es_rejected_execution_exception");
        });
    // The newer version is written while the older one is refused: whether the refusal is handled
    // before it (a retry is scheduled, 3 s away, and dropped when due) or after it (no retry at
    // all), the older version is never sent again.
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(
            config()
                .flushInterval(Duration.ofMillis(10))
                .backoff(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .build(),
            versions)) {
      writer.write("f-1@1", null);
      assertThat(refused.await(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("version 1 sent and refused with 429")
          .isTrue();
      writer.write("f-1@2", null);
      writer.flush(false);
      assertThat(writer.acknowledged()).isEqualTo(2);
    }
    assertThat(es.requests()).containsExactly(List.of("f-1"), List.of("f-1"));
    assertThat(es.bodies.get(1)).contains("f-1@2").doesNotContain("f-1@1");
  }

  @Test
  void closingWithABulkInFlightReturnsOnceItIsAnswered() throws Exception {
    // Elasticsearch answers the bulk slowly: close() is called while it is in flight (a job
    // cancelled mid-write). It used to wait forever: its scheduler was shut down before the
    // ingester, which needs it to complete the request.
    java.util.concurrent.CountDownLatch received = new java.util.concurrent.CountDownLatch(1);
    es.then(
        ids -> {
          received.countDown();
          try {
            Thread.sleep(1_000); // a slow node, not synchronisation
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FakeElasticsearch.allCreated(ids);
        });
    ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(config().flushInterval(Duration.ofMillis(10)).build(), BY_ID);
    writer.write("f-1", null);
    assertThat(received.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(20), writer::close, "close() hung with a bulk in flight");
    assertThat(writer.acknowledged()).isEqualTo(1);
  }

  @Test
  void resendsOnlyTheDocumentsRefusedWith429InsideAnAcceptedBulk() throws Exception {
    es.then(
        ids ->
            FakeElasticsearch.items(
                ids,
                id ->
                    id.equals("f-2")
                        ? "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\"f-2\",\"status\":429,"
                            + "\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"}}}"
                        : "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\""
                            + id
                            + "\",\"status\":201}}"));
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(config().build(), BY_ID)) {
      for (String id : List.of("f-1", "f-2", "f-3")) {
        writer.write(id, null);
      }
      writer.flush(false);
      assertThat(writer.acknowledged()).isEqualTo(3);
    }
    assertThat(es.requests()).containsExactly(List.of("f-1", "f-2", "f-3"), List.of("f-2"));
  }

  @Test
  void aDocumentRefusedForGoodIsDeadLetteredWithItsReasonAndTheOthersArrive() throws Exception {
    es.then(
        ids ->
            FakeElasticsearch.items(
                ids,
                id ->
                    id.equals("f-bad")
                        ? "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\"f-bad\","
                            + "\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
                            + "\"reason\":\"failed to parse field [event_count] of type [long] near "
                            + API_KEY
                            + "\"}}}"
                        : "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\""
                            + id
                            + "\",\"status\":201}}"));
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(config().build(), BY_ID)) {
      writer.write("f-1", null);
      writer.write("f-bad", null);
      writer.write("f-2", null);
      writer.flush(false);
      writer.write("f-next", null);
      writer.flush(true);

      assertThat(writer.acknowledged()).isEqualTo(3);
      assertThat(writer.deadLettered()).isEqualTo(1);
    }
    List<List<String>> requests = es.requests();
    assertThat(requests.get(0)).containsExactly("f-1", "f-bad", "f-2");
    assertThat(requests.stream().flatMap(List::stream)).contains("f-next");
    String dlqRequest =
        es.bodies.stream().filter(b -> b.contains("leaverwatch-dlq")).findFirst().orElseThrow();
    String[] lines = dlqRequest.split("\n");
    int at = 0;
    while (!lines[at].contains("leaverwatch-dlq")) {
      at += 2;
    }
    var letter = JSON.readTree(lines[at + 1]);
    assertThat(letter.path("document_id").asText()).isEqualTo("f-bad");
    assertThat(letter.path("document_index").asText()).isEqualTo("leaverwatch-findings");
    assertThat(letter.path("http_status").asInt()).isEqualTo(400);
    assertThat(letter.path("error_type").asText()).isEqualTo("mapper_parsing_exception");
    assertThat(letter.path("reason").asText())
        .contains("id=f-bad", "failed to parse field [event_count]")
        .doesNotContain(API_KEY);
    assertThat(letter.path("document").path("finding_id").asText()).isEqualTo("f-bad");
    assertThat(dlqRequest).doesNotContain(API_KEY);
  }

  @Test
  void anOutageLongerThanAnyRetryBudgetLosesNothingAndThrowsNothing() throws Exception {
    for (int i = 0; i < 6; i++) {
      es.then(ids -> FakeElasticsearch.wholeRequest(429, "es_rejected_execution_exception"));
      es.then(ids -> FakeElasticsearch.wholeRequest(503, "unavailable_shards_exception"));
    }
    ElasticsearchSinkConfig defaults =
        ElasticsearchSinkConfig.builder()
            .url(es.url())
            .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
            .build();
    try (ElasticsearchSinkWriter<String> writer = new ElasticsearchSinkWriter<>(defaults, BY_ID)) {
      for (int i = 0; i < 50; i++) {
        writer.write("f-" + i, null);
      }
      writer.flush(true);
      assertThat(writer.acknowledged()).isEqualTo(50);
      assertThat(writer.deadLettered()).isZero();
    }
    List<List<String>> requests = es.requests();
    assertThat(requests).hasSizeGreaterThan(12);
    assertThat(requests.stream().skip(12).flatMap(List::stream).distinct()).hasSize(50);
  }

  @Test
  void aMissingIndexOrAWriteBlockIsWaitedOutNotDeadLettered() throws Exception {
    es.then(
        ids ->
            FakeElasticsearch.items(
                ids,
                id ->
                    "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\""
                        + id
                        + "\",\"status\":404,\"error\":{\"type\":\"index_not_found_exception\","
                        + "\"reason\":\"no such index [leaverwatch-findings]\"}}}"));
    es.then(
        ids ->
            FakeElasticsearch.items(
                ids,
                id ->
                    "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\""
                        + id
                        + "\",\"status\":403,\"error\":{\"type\":\"cluster_block_exception\","
                        + "\"reason\":\"index [leaverwatch-findings] blocked by: [FORBIDDEN/8/index"
                        + " write (api)]\"}}}"));
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(config().build(), BY_ID)) {
      writer.write("f-1", null);
      writer.flush(true);
      assertThat(writer.acknowledged()).isEqualTo(1);
      assertThat(writer.deadLettered()).isZero();
    }
    assertThat(es.requests()).containsExactly(List.of("f-1"), List.of("f-1"), List.of("f-1"));
  }

  @Test
  void elasticsearchStoppedForAWhileThenBackLosesNothing() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ElasticsearchSinkConfig stopped =
        ElasticsearchSinkConfig.builder()
            .url("http://127.0.0.1:" + port)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
            .build();
    HttpServer back = null;
    try (ElasticsearchSinkWriter<String> writer = new ElasticsearchSinkWriter<>(stopped, BY_ID)) {
      writer.write("f-1", null);
      writer.write("f-2", null);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (writer.retries() < 20 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(writer.retries()).as("connection refused, retried").isGreaterThanOrEqualTo(20);
      List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
      back = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      back.createContext(
          "/",
          exchange -> {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            List<String> ids = new ArrayList<>();
            String[] lines = body.split("\n");
            for (int i = 0; i < lines.length; i += 2) {
              ids.add(JSON.readTree(lines[i]).path("index").path("_id").asText());
            }
            received.addAll(ids);
            byte[] bytes =
                FakeElasticsearch.allCreated(ids).body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          });
      back.start();
      writer.flush(true);
      assertThat(writer.acknowledged()).isEqualTo(2);
      assertThat(received).containsOnly("f-1", "f-2");
    } finally {
      if (back != null) {
        back.stop(0);
      }
    }
  }

  @Test
  void aDocumentWithAVersionIsWrittenExternallyVersionedAndAConflictMeansDelivered()
      throws Exception {
    DocumentMapper<String> versioned =
        new DocumentMapper<>() {
          @Override
          public String index(String element) {
            return "findings";
          }

          @Override
          public String id(String element) {
            return "f-1";
          }

          @Override
          public long version(String element) {
            return Long.parseLong(element);
          }

          @Override
          public Map<String, Object> document(String element) {
            return Map.of("finding_id", "f-1", "revision", Long.parseLong(element));
          }
        };
    es.then(
        ids ->
            FakeElasticsearch.items(
                ids,
                id ->
                    "{\"index\":{\"_index\":\"leaverwatch-findings\",\"_id\":\"f-1\",\"status\":409,"
                        + "\"error\":{\"type\":\"version_conflict_engine_exception\",\"reason\":"
                        + "\"[f-1]: version conflict, current version [5] is higher or equal to the one"
                        + " provided [3]\"}}}"));
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(config().build(), versioned)) {
      writer.write("3", null);
      writer.flush(false);
      assertThat(writer.acknowledged()).isEqualTo(1);
      assertThat(writer.versionConflicts()).isEqualTo(1);
      assertThat(writer.deadLettered()).isZero();
    }
    assertThat(es.requests()).hasSize(1);
    var action = JSON.readTree(es.bodies.get(0).split("\n")[0]).path("index");
    assertThat(action.path("version").asLong()).isEqualTo(3);
    assertThat(action.path("version_type").asText()).isEqualTo("external");
  }

  @Test
  void givesUpAfterTheConfiguredNumberOfRetries() throws Exception {
    for (int i = 0; i < 10; i++) {
      es.then(ids -> FakeElasticsearch.wholeRequest(503, "unavailable_shards_exception"));
    }
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(config().maxRetries(2).build(), BY_ID)) {
      writer.write("f-1", null);
      assertThatThrownBy(() -> writer.flush(true))
          .isInstanceOf(DocumentRejectedException.class)
          .hasMessageContaining("id=f-1")
          .hasMessageContaining("after 2 retries");
    }
    assertThat(es.requests()).hasSize(3);
  }

  @Test
  void retriesConnectionErrorsThenFailsWhenNothingListens() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ElasticsearchSinkConfig unreachable =
        ElasticsearchSinkConfig.builder()
            .url("http://127.0.0.1:" + closedPort)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(20))
            .maxRetries(2)
            .build();
    try (ElasticsearchSinkWriter<String> writer =
        new ElasticsearchSinkWriter<>(unreachable, BY_ID)) {
      writer.write("f-1", null);
      assertThatThrownBy(() -> writer.flush(true))
          .isInstanceOf(DocumentRejectedException.class)
          .hasMessageContaining("after 2 retries")
          .hasMessageContaining("Connect");
      assertThat(writer.retries()).isEqualTo(2);
    }
  }

  @Test
  void rejectsConfigurationMistakesWithTheirReason() {
    assertThatThrownBy(() -> ElasticsearchSinkConfig.builder().build())
        .hasMessageContaining("at least one Elasticsearch URL");
    assertThatThrownBy(() -> ElasticsearchSinkConfig.builder().url("es.internal:9200"))
        .hasMessageContaining("http(s)://host");
    assertThatThrownBy(() -> ElasticsearchSinkConfig.builder().url("https://elastic:pw@es:9200"))
        .hasMessageContaining("must not carry credentials")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw@"));
    assertThatThrownBy(() -> ElasticsearchSinkConfig.builder().indexPrefix("Leaverwatch"))
        .hasMessageContaining("lowercase");
    ElasticsearchSinkConfig withKey =
        ElasticsearchSinkConfig.builder()
            .url("https://es:9200")
            .credentialsFromEnvironment(Map.of(ElasticsearchSinkConfig.ENV_API_KEY, API_KEY))
            .build();
    assertThat(withKey.toString()).contains("api-key").doesNotContain(API_KEY);
    assertThat(withKey.indexName("findings")).isEqualTo("leaverwatch-findings");
  }
}
