package io.leaverwatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads every finding and step status from the {@code <prefix>-findings} and {@code <prefix>-steps}
 * indices with {@code _search} and {@code search_after} (sorted by their id field), so the report
 * needs nothing but HTTP. Authorization, when given, is sent as is and never appears in a message.
 */
public final class ElasticsearchSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;

  private final URI base;
  private final String authorization;
  private final String prefix;
  private final HttpClient http;

  public ElasticsearchSource(URI base, String authorization, String prefix) {
    this.base = base;
    this.authorization = authorization;
    this.prefix = prefix;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public String findingsIndex() {
    return prefix + "-findings";
  }

  public String stepsIndex() {
    return prefix + "-steps";
  }

  public List<FindingRow> findings() {
    return all(findingsIndex(), "finding_id", RowJson::finding);
  }

  public List<StepRow> steps() {
    return all(stepsIndex(), "status_id", RowJson::step);
  }

  private <T> List<T> all(String index, String sortField, BiFunction<JsonNode, String, T> row) {
    List<T> out = new ArrayList<>();
    JsonNode after = null;
    while (true) {
      ObjectNode body = JSON.createObjectNode();
      body.put("size", PAGE);
      body.putObject("query").putObject("match_all");
      body.putArray("sort").addObject().put(sortField, "asc");
      if (after != null) {
        body.set("search_after", after);
      }
      JsonNode res = post("/" + index + "/_search", body.toString());
      JsonNode hits = res.path("hits").path("hits");
      if (!hits.isArray() || hits.isEmpty()) {
        return out;
      }
      for (JsonNode hit : hits) {
        out.add(row.apply(hit.path("_source"), index + "/" + hit.path("_id").asText()));
      }
      after = hits.get(hits.size() - 1).path("sort");
      if (!(after instanceof ArrayNode) || hits.size() < PAGE) {
        return out;
      }
    }
  }

  private JsonNode post(String path, String body) {
    String where = base + path;
    HttpRequest.Builder req =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    HttpResponse<String> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ReportInputException(
          "Elasticsearch at "
              + base
              + " is unreachable: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReportInputException("interrupted while reading " + where);
    }
    if (res.statusCode() == 404) {
      throw new ReportInputException(
          where + ": index not found (HTTP 404): has the pipeline written to it?");
    }
    if (res.statusCode() == 401 || res.statusCode() == 403) {
      throw new ReportInputException(
          where
              + ": HTTP "
              + res.statusCode()
              + ": set LEAVERWATCH_ES_API_KEY to a key that can"
              + " read the index");
    }
    if (res.statusCode() / 100 != 2) {
      throw new ReportInputException(where + ": HTTP " + res.statusCode());
    }
    try {
      return JSON.readTree(res.body());
    } catch (IOException e) {
      throw new ReportInputException(where + ": the answer is not JSON");
    }
  }
}
