package io.leaverwatch.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a local stand-in that answers {@code _search} as Elasticsearch does: hits with {@code
 * _id}, {@code _source} and {@code sort}, paged with {@code search_after}.
 */
class ElasticsearchSourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private int findings = 2500;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          paths.add(ex.getRequestURI().getPath());
          authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          JsonNode req = JSON.readTree(ex.getRequestBody());
          String body;
          int status = 200;
          if (ex.getRequestURI().getPath().equals("/leaverwatch-findings/_search")) {
            int from = req.has("search_after") ? req.get("search_after").get(0).asInt() + 1 : 0;
            int size = req.get("size").asInt();
            List<String> hits = new ArrayList<>();
            for (int i = from; i < Math.min(findings, from + size); i++) {
              hits.add(
                  "{\"_index\":\"leaverwatch-findings-000001\",\"_id\":\"f"
                      + i
                      + "\",\"_source\":{\"finding_id\":\"f"
                      + i
                      + "\",\"type\":\"POST_DEPARTURE_ACTIVITY\",\"severity\":\"HIGH\","
                      + "\"person_id\":\"p1\",\"first_seen\":\"2026-10-06T10:00:00Z\","
                      + "\"last_seen\":\"2026-10-06T10:00:00Z\",\"summary\":\"s\","
                      + "\"severity_rank\":3,\"@timestamp\":\"2026-10-06T10:00:00Z\"},"
                      + "\"sort\":["
                      + i
                      + "]}");
            }
            body =
                "{\"took\":1,\"timed_out\":false,\"hits\":{\"total\":{\"value\":"
                    + findings
                    + ",\"relation\":\"eq\"},\"hits\":["
                    + String.join(",", hits)
                    + "]}}";
          } else {
            status = 404;
            body = "{\"error\":{\"type\":\"index_not_found_exception\"},\"status\":404}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ElasticsearchSource source() {
    return new ElasticsearchSource(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
        "ApiKey c2VjcmV0",
        "leaverwatch");
  }

  @Test
  void readsEveryFindingAcrossPages() {
    List<FindingRow> rows = source().findings();
    assertThat(rows).hasSize(2500);
    assertThat(rows.get(2499).findingId()).isEqualTo("f2499");
    assertThat(paths).hasSize(3).containsOnly("/leaverwatch-findings/_search");
    assertThat(authorizations).containsOnly("ApiKey c2VjcmV0");
  }

  @Test
  void aMissingIndexIsAnInputErrorWithoutTheKey() {
    assertThatThrownBy(() -> source().steps())
        .isInstanceOf(ReportInputException.class)
        .hasMessageContaining("leaverwatch-steps/_search: index not found")
        .message()
        .doesNotContain("c2VjcmV0");
  }
}
