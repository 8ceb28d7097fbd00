package io.leaverwatch.alerting.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leaverwatch.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local HTTP server that speaks one vendor API, on 127.0.0.1 and a free port. Faults queued with
 * {@link #fault} answer the next requests instead (a 429, a 500, a 400), so tests and the demo can
 * script outages. Every request is kept, in order, with the stand-in clock's time.
 */
public abstract class StandInServer implements AutoCloseable {
  /** An answer to write. */
  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply json(int status, String body) {
      return new Reply(status, Map.of("Content-Type", "application/json"), body);
    }

    public Reply with(String header, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(header, value);
      return new Reply(status, h, body);
    }
  }

  /** A request as received. */
  public record Request(
      long atMillis, String method, String path, Map<String, String> headers, String body) {
    public String header(String name) {
      for (Map.Entry<String, String> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return null;
    }

    public JsonNode json() {
      try {
        return Json.treeReader().readTree(body);
      } catch (IOException e) {
        return null;
      }
    }
  }

  protected final Clock clock;
  private final HttpServer server;
  private final Deque<Reply> faults = new ArrayDeque<>();
  private final List<Request> requests = new ArrayList<>();

  protected StandInServer(Clock clock) throws IOException {
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next answer will be this one instead of the API's (queue several for several). */
  public synchronized void fault(Reply r) {
    faults.add(r);
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  protected abstract Reply answer(Request r);

  private void handle(HttpExchange ex) throws IOException {
    Reply reply;
    try {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
      Request r =
          new Request(
              clock.millis(), ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, body);
      synchronized (this) {
        requests.add(r);
        Reply fault = faults.poll();
        reply = fault != null ? fault : answer(r);
      }
    } catch (RuntimeException e) {
      reply = Reply.json(500, "{\"error\":\"stand-in failure\"}");
    }
    byte[] bytes =
        reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
    reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  protected static ObjectNode object() {
    return Json.mapper().createObjectNode();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
