package io.leaverwatch.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A local HTTP server for one fake API. Routes answer normally; faults queued with {@link #fault}
 * replace the next answers (a 429, a 5xx, a malformed page, a redirect) so tests script outages.
 * Every request is recorded with the fake clock's time.
 */
public final class FakeHttpServer implements AutoCloseable {

  /** A response to write. */
  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public static Reply json(int status, String body) {
      return new Reply(
          status,
          Map.of("Content-Type", "application/json"),
          body.getBytes(StandardCharsets.UTF_8));
    }

    public Reply with(String header, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(header, value);
      return new Reply(status, h, body);
    }
  }

  /** A received request. */
  public record Request(
      Instant at, String method, URI uri, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return null;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Answers one request. */
  @FunctionalInterface
  public interface Route {
    Reply answer(Request r) throws IOException;
  }

  private final HttpServer server;
  private final Clock clock;
  private final Deque<Route> faults = new ArrayDeque<>();
  public final List<Request> requests = new ArrayList<>();
  private final Route route;

  public FakeHttpServer(Clock clock, Route route) throws IOException {
    this.clock = clock;
    this.route = route;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public synchronized void fault(Route r) {
    faults.add(r);
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
    byte[] body = ex.getRequestBody().readAllBytes();
    URI uri = URI.create(baseUrl() + ex.getRequestURI().toString());
    Request req = new Request(clock.instant(), ex.getRequestMethod(), uri, headers, body);
    Route r;
    synchronized (this) {
      requests.add(req);
      r = faults.isEmpty() ? route : faults.poll();
    }
    Reply reply;
    try {
      reply = r.answer(req);
    } catch (RuntimeException e) {
      reply = Reply.json(500, "{\"message\":\"fake server bug: " + e + "\"}");
    }
    reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
    if (reply.body().length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(reply.body());
      }
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
