package io.leaverwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Kibana's saved objects import API: {@code POST [/s/<space>]/api/saved_objects/_import
 * ?overwrite=true}, the NDJSON as the multipart field {@code file}, the {@code kbn-xsrf} header
 * Kibana requires of every write, {@code Authorization: ApiKey <key>}. Kibana answers 200 with
 * {@code success}, {@code successCount} and, when some object failed, {@code errors} (each with id,
 * type and {@code error.type}): a 200 is not a success by itself.
 */
final class KibanaImport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KibanaImport() {}

  /** What Kibana said: the objects imported and, per failed object, "type id: reason". */
  record Result(boolean success, int successCount, List<String> errors) {}

  static Result run(URI kibana, String space, String apiKey, byte[] ndjson) {
    String base = kibana.toString().replaceAll("/+$", "");
    String path =
        (space == null || space.isBlank() || space.equals("default")
                ? ""
                : "/s/" + URLEncoder.encode(space, StandardCharsets.UTF_8))
            + "/api/saved_objects/_import?overwrite=true";
    String boundary = "leaverwatch-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream(ndjson.length + 256);
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leaverwatch.ndjson\""
                + "\r\nContent-Type: application/ndjson\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(ndjson);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("kbn-xsrf", "true")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (apiKey != null && !apiKey.isBlank()) {
      req.header("Authorization", "ApiKey " + apiKey.trim());
    }
    HttpResponse<String> res;
    try {
      res =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UsageException(
          "Kibana at "
              + base
              + " is unreachable: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    if (res.statusCode() == 401 || res.statusCode() == 403) {
      throw new UsageException(
          base
              + path
              + ": HTTP "
              + res.statusCode()
              + ": set "
              + DashboardsCommand.ENV_API_KEY
              + " to an API key allowed to manage saved objects"
              + (space == null ? "" : " in space " + space));
    }
    JsonNode json;
    try {
      json = JSON.readTree(res.body());
    } catch (IOException e) {
      json = null;
    }
    if (res.statusCode() == 404 && space != null) {
      throw new UsageException(
          base + path + ": HTTP 404: is there a Kibana space '" + space + "'?");
    }
    if (res.statusCode() / 100 != 2 || json == null || !json.has("success")) {
      String msg = json == null ? "" : json.path("message").asText("");
      throw new IllegalStateException(
          base + path + ": HTTP " + res.statusCode() + (msg.isEmpty() ? "" : ": " + msg));
    }
    List<String> errors = new ArrayList<>();
    for (JsonNode e : json.path("errors")) {
      JsonNode err = e.path("error");
      StringBuilder line =
          new StringBuilder(e.path("type").asText("?") + " " + e.path("id").asText("?") + ": ");
      line.append(err.path("type").asText("error"));
      if (err.has("message")) {
        line.append(": ").append(err.path("message").asText());
      }
      for (JsonNode ref : err.path("references")) {
        line.append(" [missing ")
            .append(ref.path("type").asText())
            .append(' ')
            .append(ref.path("id").asText())
            .append(']');
      }
      errors.add(line.toString());
    }
    return new Result(json.path("success").asBoolean(), json.path("successCount").asInt(), errors);
  }
}
