package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command, run as a user runs it (a separate JVM, the shipped log4j2.xml) with fake secrets
 * in its environment and every logger at DEBUG (Flink, Kafka, the AWS SDK, the HTTP clients, the
 * JDK HTTP client's header log): no secret appears in any line of stdout, stderr or any file it
 * writes. The ingest commands run against local fake GitHub, Okta (API token and OAuth with a
 * private-key JWT), CloudTrail and Elasticsearch servers, so the credentials really are sent, and
 * logged by the clients at DEBUG.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsNeverLoggedITCase {
  static final String GITHUB_TOKEN = "ghp_FakeGithubToken0123456789abcdefABCDEF";
  static final String OKTA_API_TOKEN = "00FakeOktaApiToken-0123456789abcdefXYZ";
  static final String AWS_SECRET = "fAkEsEcReTaCcEsSkEy0123456789abcdefGHIJ01";
  static final String AWS_SESSION = "FwoGZXIvYXdzEFakeSessionToken0123456789abcdefZZ";
  static final String ES_API_KEY = "RmFrZUVzQXBpS2V5OnNlY3JldDAxMjM0NTY3ODk=";
  static final String SASL_PASSWORD = "FakeSaslPassw0rd!xyz";
  static final String SLACK_WEBHOOK =
      "https://hooks.slack.com/services/T0FAKE0001/B0FAKE0002/FakeSlackWebhookSecret01";
  static final String PAGERDUTY_KEY = "fa4e0fa4e0fa4e0fa4e0fa4e0fa4e0ff";

  /** What the fake Okta token endpoint issues: a JWT, as Okta's access tokens are. */
  static final String ACCESS_JWT =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2UifQ"
          + ".eyJzdWIiOiIwb2FmYWtlIiwic2NwIjpbIm9rdGEubG9ncy5yZWFkIl19"
          + ".RmFrZVNpZ25hdHVyZUZha2VTaWduYXR1cmUwMTIz";

  static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.");

  @TempDir static Path dir;
  HttpServer server;
  final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
  String pemBody;
  Path keyFile;

  @BeforeAll
  void startFakeApis() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    var kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(2048);
    pemBody =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(kpg.generateKeyPair().getPrivate().getEncoded());
    keyFile = dir.resolve("okta-service-app.pem");
    Files.writeString(
        keyFile, "-----BEGIN PRIVATE KEY-----\n" + pemBody + "\n-----END PRIVATE KEY-----\n");
  }

  @AfterAll
  void stop() {
    server.stop(0);
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String query = String.valueOf(ex.getRequestURI().getQuery());
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    authorizations.add(path + " " + auth);
    ex.getRequestBody().readAllBytes();
    int status = 200;
    String body;
    if (path.equals("/orgs/acme/audit-log")) {
      if (!("Bearer " + GITHUB_TOKEN).equals(auth)) {
        status = 401;
        body = "{\"message\":\"Bad credentials\"}";
      } else if (query.contains("after=")) {
        body = "[]";
      } else {
        ex.getResponseHeaders()
            .add("Link", "<" + base() + "/orgs/acme/audit-log?after=d1>; rel=\"next\"");
        body =
            "[{\"@timestamp\":1606929874512,\"action\":\"org.remove_member\",\"actor\":\"octocat\","
                + "\"created_at\":1606929874512,\"_document_id\":\"d1\",\"org\":\"acme\"}]";
      }
    } else if (path.equals("/oauth2/v1/token")) {
      body =
          "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\""
              + ACCESS_JWT
              + "\",\"scope\":\"okta.logs.read\"}";
    } else if (path.equals("/api/v1/logs")) {
      if (!("SSWS " + OKTA_API_TOKEN).equals(auth) && !("Bearer " + ACCESS_JWT).equals(auth)) {
        status = 401;
        body = "{\"errorCode\":\"E0000011\",\"errorSummary\":\"Invalid token provided\"}";
      } else if (query.contains("after=")) {
        ex.getResponseHeaders().add("Link", "<" + base() + "/api/v1/logs?after=u1>; rel=\"next\"");
        body = "[]";
      } else {
        ex.getResponseHeaders().add("Link", "<" + base() + "/api/v1/logs?after=u1>; rel=\"next\"");
        body =
            "[{\"uuid\":\"u1\",\"published\":\"2026-10-01T14:00:00.000Z\","
                + "\"eventType\":\"user.session.start\",\"actor\":{\"id\":\"00ualice\","
                + "\"type\":\"User\",\"alternateId\":\"alice@corp.example.com\"},"
                + "\"outcome\":{\"result\":\"SUCCESS\"},\"target\":[]}]";
      }
    } else if (path.equals("/") && "POST".equals(ex.getRequestMethod())) {
      // CloudTrail LookupEvents (JSON 1.1 protocol, X-Amz-Target header)
      ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
      body = "{\"Events\":[]}";
    } else {
      // Elasticsearch: refuses, so that `run` stops before it would need Kafka
      ex.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
      status = 403;
      body = "{\"error\":{\"type\":\"security_exception\",\"reason\":\"fake\"},\"status\":403}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!ex.getResponseHeaders().containsKey("Content-Type")) {
      ex.getResponseHeaders().add("Content-Type", "application/json");
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(bytes);
    }
  }

  Map<String, String> secretEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GITHUB_TOKEN", GITHUB_TOKEN);
    env.put("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0001");
    env.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
    env.put("AWS_SESSION_TOKEN", AWS_SESSION);
    env.put("LEAVERWATCH_ES_API_KEY", ES_API_KEY);
    env.put("LEAVERWATCH_KAFKA_SASL_PASSWORD", SASL_PASSWORD);
    env.put("LEAVERWATCH_SLACK_WEBHOOK_URL", SLACK_WEBHOOK);
    env.put("LEAVERWATCH_PAGERDUTY_ROUTING_KEY", PAGERDUTY_KEY);
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
    env.put("LEAVERWATCH_ES_URLS", base());
    env.put("LW_DEBUG", "1");
    return env;
  }

  /** Every secret value of this test, and the private key's body line by line. */
  List<String> secrets() {
    List<String> s =
        new ArrayList<>(
            List.of(
                GITHUB_TOKEN,
                OKTA_API_TOKEN,
                AWS_SECRET,
                AWS_SESSION,
                ES_API_KEY,
                SASL_PASSWORD,
                SLACK_WEBHOOK,
                "FakeSlackWebhookSecret01",
                PAGERDUTY_KEY,
                ACCESS_JWT));
    s.addAll(List.of(pemBody.split("\n")));
    return s;
  }

  record Child(int exit, String stdout, String stderr, Path workDir) {}

  /** Runs the command lines in one child JVM with {@code env} and every logger at DEBUG. */
  Child runChild(String name, Map<String, String> env, List<List<String>> commands)
      throws Exception {
    // under target/, kept after the run: what the child wrote can be read when an assertion fails
    Path work = Path.of("target", "secrets-never-logged", name).toAbsolutePath();
    for (Path d : List.of(work, work.resolveSibling(name + "-out"))) {
      if (Files.exists(d)) {
        try (Stream<Path> old = Files.walk(d)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    Files.createDirectories(work);
    Path script = work.resolve("commands.tsv");
    List<String> lines = new ArrayList<>();
    for (List<String> c : commands) {
      lines.add(String.join("\t", c));
    }
    Files.write(script, lines);
    Path wire = work.resolve("wire.txt");
    Files.writeString(
        wire,
        "http-outgoing-1 >> \"POST /oauth2/v1/token\" body: client_assertion_type=jwt-bearer&"
            + "client_assertion="
            + ACCESS_JWT
            + " key file: -----BEGIN PRIVATE KEY-----\n"
            + pemBody
            + "\n-----END PRIVATE KEY-----\n"
            + " alert to "
            + SLACK_WEBHOOK
            + " and {\"routing_key\":\""
            + PAGERDUTY_KEY
            + "\"} via https://events.pagerduty.com/integration/"
            + PAGERDUTY_KEY
            + "/enqueue");
    Path config =
        Path.of(System.getProperty("user.dir"), "target", "classes", "log4j2.xml").toAbsolutePath();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=" + config,
                "-Dleaverwatch.log.root=DEBUG",
                "-Dleaverwatch.log.level=DEBUG",
                "-Dleaverwatch.log.flink=DEBUG",
                "-Dleaverwatch.log.kafka=DEBUG",
                "-Djdk.httpclient.HttpClient.log=errors,requests,headers",
                "-Dleaverwatch.rules=" + System.getProperty("leaverwatch.rules", "../rules"),
                "-cp",
                System.getProperty("java.class.path"),
                CommandScript.class.getName(),
                script.toString(),
                wire.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().putAll(env);
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish in 10 minutes");
    }
    return new Child(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        work);
  }

  /** Every line the child wrote: stdout, stderr and every file under its output directory. */
  static List<String> everyLine(Child c) throws IOException {
    List<String> lines = new ArrayList<>(List.of(c.stdout().split("\n")));
    lines.addAll(List.of(c.stderr().split("\n")));
    Path outputs = c.workDir().resolveSibling(c.workDir().getFileName() + "-out");
    if (Files.isDirectory(outputs)) {
      try (Stream<Path> files = Files.walk(outputs)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          lines.addAll(List.of(Files.readString(f, StandardCharsets.ISO_8859_1).split("\n")));
        }
      }
    }
    return lines;
  }

  void assertNoSecret(Child c) throws IOException {
    List<String> lines = everyLine(c);
    for (String secret : secrets()) {
      for (String line : lines) {
        assertThat(line).as("a line of " + c.workDir()).doesNotContain(secret);
      }
    }
    for (String line : lines) {
      Matcher m = JWT.matcher(line);
      assertThat(m.find()).as("a JWT in: " + line).isFalse();
    }
  }

  static List<String> cmd(String... args) {
    return List.of(args);
  }

  @Test
  void everyCommandAtDebugLogsNoSecret() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path events = in.resolve("okta.ndjson");
    Files.writeString(
        events,
        "{\"uuid\":\"e1\",\"published\":\"2026-10-01T14:00:00.000Z\","
            + "\"eventType\":\"user.session.start\",\"actor\":{\"id\":\"00ualice\","
            + "\"type\":\"User\",\"alternateId\":\"alice@corp.example.com\"},"
            + "\"client\":{\"ipAddress\":\"198.51.100.7\"},\"outcome\":{\"result\":\"SUCCESS\"},"
            + "\"target\":[]}\n");
    Path departures = in.resolve("departures.csv");
    Files.writeString(
        departures,
        "person_id,email,role,notice_at,departed_at,status\n"
            + "p1,alice@corp.example.com,software-engineer,2026-09-21T12:00:00Z,"
            + "2026-10-01T12:00:00Z,DEPARTED\n");
    String rules = System.getProperty("leaverwatch.rules", "../rules");
    Path out = Path.of("target", "secrets-never-logged", "main-out").toAbsolutePath();
    List<List<String>> commands = new ArrayList<>();
    for (List<String> help :
        List.of(
            cmd(),
            cmd("ingest"),
            cmd("ingest", "github"),
            cmd("ingest", "okta"),
            cmd("ingest", "cloudtrail"),
            cmd("ingest", "s3"),
            cmd("ingest", "snapshots"),
            cmd("ingest", "all"),
            cmd("ingest", "files"),
            cmd("normalize"),
            cmd("detect"),
            cmd("generate"),
            cmd("run"),
            cmd("bench"),
            cmd("bench", "pipeline"),
            cmd("demo"))) {
      List<String> c = new ArrayList<>(help);
      c.add("--help");
      commands.add(c);
    }
    commands.add(
        cmd("normalize", "--in", events.toString(), "--out", out.resolve("events.ndjson") + ""));
    commands.add(
        cmd(
            "detect",
            "--events",
            events.toString(),
            "--departures",
            departures.toString(),
            "--rules",
            rules,
            "--parallelism",
            "1",
            "--out",
            out.resolve("findings.ndjson").toString()));
    commands.add(
        cmd(
            "generate",
            "--people",
            "20",
            "--days",
            "5",
            "--departures",
            "2",
            "--seed",
            "7",
            "--out",
            out.resolve("org").toString()));
    commands.add(
        cmd(
            "ingest",
            "github",
            "--base-url",
            base(),
            "--org",
            "acme",
            "--once",
            "--allow-insecure",
            "--state",
            out.resolve("state").toString(),
            "--to",
            "file:" + out.resolve("github.ndjson")));
    commands.add(
        cmd(
            "ingest",
            "okta",
            "--base-url",
            base(),
            "--once",
            "--allow-insecure",
            "--state",
            out.resolve("state").toString(),
            "--to",
            "file:" + out.resolve("okta.ndjson")));
    commands.add(
        cmd(
            "ingest",
            "cloudtrail",
            "--endpoint",
            base(),
            "--region",
            "us-east-1",
            "--once",
            "--allow-insecure",
            "--state",
            out.resolve("state").toString(),
            "--to",
            "file:" + out.resolve("cloudtrail.ndjson")));
    commands.add(cmd("run", "--rules", rules, "--allow-insecure"));
    Map<String, String> env = secretEnvironment();
    env.put("OKTA_API_TOKEN", OKTA_API_TOKEN);

    Child c = runChild("main", env, commands);

    assertThat(c.exit()).as(c.stderr()).isZero();
    assertThat(c.stdout())
        .contains("### exit 0 :: normalize --in")
        .contains("### exit 0 :: detect --events")
        .contains("### exit 0 :: generate --people")
        .contains("### exit 0 :: ingest github --base-url")
        .contains("### exit 0 :: ingest okta --base-url")
        .contains("### exit 0 :: ingest cloudtrail --endpoint")
        .contains("### exit 1 :: run --rules");
    assertThat(c.stdout().split("### exit 0 :: ", -1)).hasSizeGreaterThan(16 + 6);
    // the credentials were sent and the clients did log their requests at DEBUG
    assertThat(authorizations)
        .contains("/orgs/acme/audit-log Bearer " + GITHUB_TOKEN)
        .contains("/api/v1/logs SSWS " + OKTA_API_TOKEN)
        .anyMatch(a -> a.startsWith("/ AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE0001/"))
        .anyMatch(a -> a.endsWith("ApiKey " + ES_API_KEY));
    assertThat(c.stderr())
        .contains("DEBUG headers - http-outgoing")
        .contains("X-Amz-Security-Token: [REDACTED]")
        .contains("DEBUG StreamTask")
        .contains("BEGIN PRIVATE KEY-----[REDACTED]");
    assertNoSecret(c);
  }

  @Test
  void oktaOauthWithAPrivateKeyJwtLogsNeitherTheKeyNorTheTokens() throws Exception {
    Path conf = dir.resolve("okta.yaml");
    Files.writeString(
        conf,
        "okta:\n  base_url: "
            + base()
            + "\n  oauth:\n    client_id: 0oafakeclient\n    key_id: fake-kid\n"
            + "    private_key_file: "
            + keyFile
            + "\n");
    Path out = Path.of("target", "secrets-never-logged", "oauth-out").toAbsolutePath();

    Child c =
        runChild(
            "oauth",
            secretEnvironment(),
            List.of(
                cmd(
                    "ingest",
                    "okta",
                    "--config",
                    conf.toString(),
                    "--once",
                    "--allow-insecure",
                    "--state",
                    out.resolve("state").toString(),
                    "--to",
                    "file:" + out.resolve("okta.ndjson"))));

    assertThat(c.stdout()).as(c.stderr()).contains("### exit 0 :: ingest okta");
    assertThat(authorizations).contains("/api/v1/logs Bearer " + ACCESS_JWT);
    assertNoSecret(c);
  }
}
