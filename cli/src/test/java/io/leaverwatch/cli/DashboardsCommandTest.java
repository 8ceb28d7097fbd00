package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dashboards install} against a local stand-in of Kibana's {@code _import} endpoint: it
 * refuses a write without {@code kbn-xsrf} (as Kibana does, 400), reads the multipart {@code file}
 * field, and answers with {@code success}, {@code successCount} and {@code errors}.
 */
class DashboardsCommandTest {
  private static final Path OBJECTS =
      Path.of(System.getProperty("user.dir")).resolve("../dashboards/kibana");

  @TempDir Path dir;
  private HttpServer kibana;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> auth = new CopyOnWriteArrayList<>();
  private volatile String answer;

  @BeforeEach
  void start() throws IOException {
    kibana = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    kibana.createContext(
        "/",
        ex -> {
          requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
          auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          bodies.add(body);
          int status = 200;
          String res = answer;
          String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
          if (ex.getRequestHeaders().getFirst("kbn-xsrf") == null) {
            status = 400;
            res =
                "{\"statusCode\":400,\"error\":\"Bad Request\",\"message\":\"Request must contain"
                    + " a kbn-xsrf header.\"}";
          } else if (!type.startsWith("multipart/form-data; boundary=")
              || !body.contains("Content-Disposition: form-data; name=\"file\"; filename=")) {
            status = 415;
            res = "{\"statusCode\":415,\"error\":\"Unsupported Media Type\",\"message\":\"\"}";
          }
          byte[] bytes = res.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    kibana.start();
  }

  @AfterEach
  void stop() {
    kibana.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + kibana.getAddress().getPort();
  }

  @Test
  void importsEveryObjectOfTheRepositoryIntoTheSpaceWithOverwrite() throws IOException {
    long objects;
    try (var files = Files.list(OBJECTS)) {
      objects =
          files
              .filter(p -> p.toString().endsWith(".ndjson"))
              .flatMap(
                  p -> {
                    try {
                      return Files.readAllLines(p).stream();
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .filter(l -> !l.isBlank())
              .count();
    }
    answer = "{\"success\":true,\"successCount\":" + objects + ",\"successResults\":[]}";

    Run r =
        run(
            "dashboards",
            "install",
            "--kibana",
            url() + "/",
            "--space",
            "security",
            "--objects",
            OBJECTS.toString());

    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.err).contains(objects + " object(s) imported");
    assertThat(requests)
        .containsExactly("POST /s/security/api/saved_objects/_import?overwrite=true");
    assertThat(bodies.get(0))
        .contains("\"type\":\"dashboard\"")
        .contains("\"type\":\"index-pattern\"");
  }

  @Test
  void objectsKibanaRefusedAreNamedAndExit1() throws IOException {
    answer =
        "{\"success\":false,\"successCount\":1,\"errors\":[{\"id\":\"lw-dash\",\"type\":"
            + "\"dashboard\",\"title\":\"x\",\"meta\":{\"title\":\"x\",\"icon\":\"dashboardApp\"},"
            + "\"error\":{\"type\":\"missing_references\",\"references\":[{\"type\":"
            + "\"index-pattern\",\"id\":\"nope\"}]}}]}";
    Files.writeString(dir.resolve("a.ndjson"), "{\"type\":\"dashboard\",\"id\":\"lw-dash\"}");

    Run r = run("dashboards", "install", "--kibana", url(), "--objects", dir.toString());

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.err)
        .contains("refused: dashboard lw-dash: missing_references [missing index-pattern nope]");
    assertThat(requests).containsExactly("POST /api/saved_objects/_import?overwrite=true");
  }

  @Test
  void theApiKeyIsSentAsKibanaExpectsIt() {
    answer = "{\"success\":true,\"successCount\":0}";
    KibanaImport.Result r =
        KibanaImport.run(URI.create(url()), null, "a2V5OnNlY3JldA==", "{}\n".getBytes());
    assertThat(r.success()).isTrue();
    assertThat(auth).containsExactly("ApiKey a2V5OnNlY3JldA==");
  }

  @Test
  void anUnreachableKibanaIsExit2() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r =
        run(
            "dashboards",
            "install",
            "--kibana",
            "http://127.0.0.1:" + port,
            "--objects",
            OBJECTS.toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("Kibana at http://127.0.0.1:" + port + " is unreachable");
  }

  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }
}
