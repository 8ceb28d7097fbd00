package io.leaverwatch.cli.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.leaverwatch.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestCommandTest {
  static final String TOKEN = "cli-test-token-5521";
  static final String E1 =
      "{\"@timestamp\": 1606929874512, \"action\": \"team.add_member\", \"actor\": \"octocat\","
          + " \"created_at\": 1606929874512, \"_document_id\": \"xJJFlFOhQ6b-5vaAFy9Rjw\","
          + " \"org\": \"acme\", \"team\": \"acme/example-team\", \"user\": \"monalisa\"}";
  static final String E2 =
      "{\"@timestamp\": 1606929875000, \"action\": \"org.remove_member\", \"actor\": \"octocat\","
          + " \"created_at\": 1606929875000, \"_document_id\": \"Vqvg6kZ4MYqwWRKFDzlMoQ\","
          + " \"org\": \"acme\", \"user\": \"monalisa\"}";

  @TempDir Path dir;
  HttpServer server;
  final List<String> auth = new CopyOnWriteArrayList<>();
  String out;
  String err;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/orgs/acme/audit-log",
        ex -> {
          auth.add(ex.getRequestHeaders().getFirst("Authorization"));
          boolean second = ex.getRequestURI().getQuery().contains("after=p2");
          String body = "[" + (second ? E2 : E1) + "]";
          if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            body = "{\"message\":\"Bad credentials\"}";
            ex.sendResponseHeaders(401, body.length());
          } else {
            if (!second) {
              ex.getResponseHeaders()
                  .add(
                      "Link",
                      "<" + base() + "/orgs/acme/audit-log?per_page=100&after=p2>; rel=\"next\"");
            }
            ex.sendResponseHeaders(200, body.getBytes(StandardCharsets.UTF_8).length);
          }
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body.getBytes(StandardCharsets.UTF_8));
          }
        });
    server.start();
    IngestCommand.environment = () -> Map.of("GITHUB_TOKEN", TOKEN);
  }

  @AfterEach
  void stop() {
    server.stop(0);
    IngestCommand.environment = System::getenv;
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      return Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      out = o.toString(StandardCharsets.UTF_8);
      err = e.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void githubOnceToAFileWritesEachEventOnceAcrossRuns() throws Exception {
    Path file = dir.resolve("out/raw.ndjson");
    String[] args = {
      "ingest",
      "github",
      "--base-url",
      base(),
      "--org",
      "acme",
      "--once",
      "--allow-insecure",
      "--state",
      dir.resolve("state").toString(),
      "--to",
      "file:" + file
    };
    assertThat(run(args)).as(err).isZero();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith("{\"source\":\"github\",\"received_at\":\"")
        .contains("\"payload\":{\"@timestamp\":1606929874512,\"action\":\"team.add_member\"");
    assertThat(err).contains("events/s", "pages", "lag");
    assertThat(auth).allMatch(("Bearer " + TOKEN)::equals);

    assertThat(run(args)).isZero();
    assertThat(Files.readAllLines(file)).hasSize(2);
  }

  @Test
  void badS3AndCloudTrailLimitsExitTwoNamingTheFlag() {
    assertThat(
            run(
                "ingest",
                "s3",
                "--bucket",
                "b",
                "--max-object-bytes",
                "lots",
                "--once",
                "--to",
                "file:" + dir.resolve("x.ndjson")))
        .isEqualTo(2);
    assertThat(err).contains("--max-object-bytes", "'lots'", "256MiB");
    assertThat(
            run(
                "ingest",
                "s3",
                "--bucket",
                "b",
                "--lookback",
                "-1h",
                "--once",
                "--to",
                "file:" + dir.resolve("x.ndjson")))
        .isEqualTo(2);
    assertThat(err).contains("--lookback");
    assertThat(
            run(
                "ingest",
                "cloudtrail",
                "--overlap",
                "a while",
                "--once",
                "--to",
                "file:" + dir.resolve("x.ndjson")))
        .isEqualTo(2);
    assertThat(err).contains("--overlap", "not a duration");
  }

  @Test
  void badFlagsExitTwoWithAClearMessage() {
    assertThat(run("ingest", "github", "--bogus")).isEqualTo(2);
    assertThat(err).contains("Unknown option: '--bogus'");
    assertThat(run("ingest", "github", "--org", "a", "--enterprise", "b", "--once")).isEqualTo(2);
    assertThat(err).contains("--org or --enterprise, not both");
    assertThat(run("ingest", "github", "--org", "a", "--since", "yesterday", "--once"))
        .isEqualTo(2);
    assertThat(err).contains("--since", "ISO-8601");
    assertThat(run("ingest", "okta", "--once")).isEqualTo(2);
    assertThat(err).contains("--base-url");
    assertThat(run("ingest", "all")).isEqualTo(2);
    assertThat(err).contains("--config");
  }

  @Test
  void credentialsAreNotSentOverPlainHttpWithoutAllowInsecure() {
    String[][] commands = {
      {"ingest", "github", "--base-url", base(), "--org", "acme"},
      {"ingest", "okta", "--base-url", base()},
      {"ingest", "cloudtrail", "--endpoint", base(), "--region", "us-east-1"},
      {"ingest", "s3", "--endpoint", base(), "--bucket", "trail"},
      {"ingest", "snapshots", "--system", "github", "--org", "acme", "--base-url", base()},
    };
    IngestCommand.environment = () -> Map.of("GITHUB_TOKEN", TOKEN, "OKTA_API_TOKEN", TOKEN);
    for (String[] c : commands) {
      String[] args =
          java.util.stream.Stream.concat(
                  java.util.Arrays.stream(c),
                  java.util.stream.Stream.of("--once", "--to", "file:" + dir.resolve("x.ndjson")))
              .toArray(String[]::new);
      assertThat(run(args)).as(String.join(" ", c) + ": " + err).isEqualTo(2);
      assertThat(err)
          .contains(base() + ": credentials are not sent over plain http://")
          .contains("--allow-insecure");
    }
    assertThat(auth).isEmpty();
  }

  @Test
  void everySubcommandHasHelp() {
    for (String c : List.of("github", "okta", "cloudtrail", "s3", "snapshots", "all")) {
      assertThat(run("ingest", c, "--help")).isZero();
      assertThat(out).contains("Usage: leaverwatch ingest " + c);
    }
  }

  @Test
  void aMissingOrRejectedTokenIsReportedWithoutTheToken() {
    IngestCommand.environment = Map::of;
    assertThat(run("ingest", "github", "--base-url", base(), "--org", "acme", "--once"))
        .isEqualTo(2);
    assertThat(err).contains("GITHUB_TOKEN is not set");

    IngestCommand.environment = () -> Map.of("GITHUB_TOKEN", "stale-" + TOKEN);
    assertThat(
            run(
                "ingest",
                "github",
                "--base-url",
                base(),
                "--org",
                "acme",
                "--once",
                "--allow-insecure",
                "--state",
                dir.toString(),
                "--to",
                "file:" + dir.resolve("x.ndjson")))
        .isEqualTo(1);
    assertThat(err).contains("rejected the credentials").doesNotContain(TOKEN);
  }

  @Test
  void configSecretsAreRefusedAndIngestAllRunsConfiguredSources() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "github:\n  org: acme\n  token: ghp_shouldnotbehere\n");
    assertThat(run("ingest", "all", "--config", bad.toString(), "--once")).isEqualTo(2);
    assertThat(err).contains("github.token", "GITHUB_TOKEN").doesNotContain("ghp_shouldnotbehere");

    Path tokenFile = dir.resolve("gh.token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Path file = dir.resolve("all.ndjson");
    Path good = dir.resolve("good.yaml");
    Files.writeString(
        good,
        "state: "
            + dir.resolve("st")
            + "\n"
            + "to: file:"
            + file
            + "\n"
            + "github:\n  base_url: "
            + base()
            + "\n  org: wrong-org\n  token_file: "
            + tokenFile
            + "\n");
    IngestCommand.environment = () -> Map.of("LEAVERWATCH_GITHUB_ORG", "acme");
    assertThat(run("ingest", "all", "--config", good.toString(), "--once", "--allow-insecure"))
        .as(err)
        .isZero();
    assertThat(Files.readAllLines(file)).hasSize(2);
  }
}
