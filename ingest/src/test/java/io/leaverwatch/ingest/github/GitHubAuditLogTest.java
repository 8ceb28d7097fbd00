package io.leaverwatch.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.ingest.FakeClock;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.FakeHttpServer.Reply;
import io.leaverwatch.ingest.InMemorySink;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.IngestLoop;
import io.leaverwatch.ingest.IngestStatus;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.http.Credentials;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import io.leaverwatch.ingest.sink.NdjsonFileSink;
import io.leaverwatch.ingest.sink.RecordSink;
import io.leaverwatch.ingest.state.Checkpoint;
import io.leaverwatch.ingest.state.CheckpointStore;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubAuditLogTest {
  static final String TOKEN = "qZ7-org-audit-secret-4471";
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path state;
  final FakeClock clock = new FakeClock(T0);
  final List<String> logLines = new CopyOnWriteArrayList<>();
  FakeGitHubAuditApi api;
  FakeHttpServer server;
  final List<String> served = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    api = new FakeGitHubAuditApi(TOKEN, "acme", 3);
    server = new FakeHttpServer(clock, api);
    api.server = server;
    for (int i = 1; i <= 7; i++) {
      served.add(api.add("doc-" + i, T0.minusSeconds(600 - i * 10L), "org.add_member"));
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  IngestLoop loop(RecordSink<RawAuditRecord> sink, String token) throws IOException {
    return loop(sink, token, new CursorStore(state));
  }

  /** A store that dies (like a kill) on its Nth save. */
  static CheckpointStore dyingOnSave(CheckpointStore real, int n) {
    int[] saves = {0};
    return new CheckpointStore() {
      @Override
      public java.util.Optional<Checkpoint> load(String key) throws IOException {
        return real.load(key);
      }

      @Override
      public void save(String key, Checkpoint cp) throws IOException {
        if (++saves[0] == n) {
          throw new IOException("simulated kill before the cursor was saved");
        }
        real.save(key, cp);
      }
    };
  }

  IngestLoop loop(RecordSink<RawAuditRecord> sink, String token, CheckpointStore store)
      throws IOException {
    IngestLog log = new IngestLog("github").addListener(logLines::add);
    RateLimitedHttp http =
        new RateLimitedHttp(
            "GitHub",
            Credentials.fixed("Bearer", token),
            "x-ratelimit",
            clock,
            clock.sleeper(),
            log,
            6);
    return new IngestLoop(
        GitHubAuditLog.source(http, server.baseUrl(), "orgs/acme", T0.minus(Duration.ofDays(1))),
        sink,
        store,
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("github", clock));
  }

  static List<String> payloads(List<RawAuditRecord> records) {
    List<String> out = new ArrayList<>();
    for (RawAuditRecord r : records) {
      ByteBufferText t = new ByteBufferText(r);
      out.add(t.text);
    }
    return out;
  }

  record ByteBufferText(String text) {
    ByteBufferText(RawAuditRecord r) {
      this(StandardCharsets.UTF_8.decode(r.getPayload().duplicate()).toString());
    }
  }

  @Test
  void deliversEveryEventOnceWithTheBytesTheApiSent() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    assertThat(loop(sink, TOKEN).runOnce()).isEqualTo(7);

    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
    assertThat(sink.records).allSatisfy(r -> assertThat(r.getSource()).isEqualTo("github"));
    assertThat(sink.records.get(0).getOrigin())
        .startsWith(server.baseUrl() + "/orgs/acme/audit-log");
    assertThat(server.requests()).hasSize(3);
    assertThat(server.requests().get(0).uri().getQuery())
        .contains("include=all", "per_page=100", "phrase=created:>=2026-03-01T10:00:00Z");
  }

  @Test
  void laterPollsDeliverOnlyNewEventsEvenInTheSameSecond() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, TOKEN).runOnce();
    assertThat(loop(sink, TOKEN).runOnce()).isZero();

    // Same second as the newest delivered event: the resume query includes it again.
    String sameSecond = api.add("doc-8", T0.minusSeconds(530).plusMillis(400), "org.remove_member");
    String later = api.add("doc-9", T0.minusSeconds(100), "repo.destroy");
    assertThat(loop(sink, TOKEN).runOnce()).isEqualTo(2);

    assertThat(payloads(sink.records))
        .hasSize(9)
        .endsWith(sameSecond, later)
        .doesNotHaveDuplicates();
  }

  @Test
  void aCrashMidRunThenARestartDeliversEveryEventExactlyOnce() throws Exception {
    List<RawAuditRecord> delivered = new ArrayList<>();
    InMemorySink<RawAuditRecord> crashing = new InMemorySink<>(delivered, 3);
    assertThatThrownBy(() -> loop(crashing, TOKEN).runOnce()).isInstanceOf(IOException.class);
    assertThat(delivered).hasSize(3);
    int before = server.requests().size();

    InMemorySink<RawAuditRecord> healthy = new InMemorySink<>(delivered, Integer.MAX_VALUE);
    loop(healthy, TOKEN).runOnce();

    assertThat(payloads(delivered)).containsExactlyElementsOf(served);
    // Restart re-reads only the page the sink never confirmed, then the last page.
    assertThat(server.requests().size() - before).isEqualTo(2);
  }

  @Test
  void aKillAfterTheSinkConfirmedButBeforeTheCursorMovedRepeatsNothing() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    // Saves per page: the write-ahead, then the cursor. The 4th save is page 2's cursor.
    assertThatThrownBy(() -> loop(sink, TOKEN, dyingOnSave(new CursorStore(state), 4)).runOnce())
        .hasMessageContaining("simulated kill");
    assertThat(sink.records).hasSize(6);
    int before = server.requests().size();

    loop(sink, TOKEN).runOnce();
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
    assertThat(server.requests().size() - before).isEqualTo(1);
  }

  @Test
  void theSameKillWithAFileSinkRepeatsNothingEither() throws Exception {
    Path out = state.resolve("raw.ndjson");
    try (var file = new NdjsonFileSink<RawAuditRecord>(out, RecordJson::rawRecordLine)) {
      assertThatThrownBy(() -> loop(file, TOKEN, dyingOnSave(new CursorStore(state), 2)).runOnce())
          .hasMessageContaining("simulated kill");
    }
    try (var file = new NdjsonFileSink<RawAuditRecord>(out, RecordJson::rawRecordLine)) {
      loop(file, TOKEN).runOnce();
    }
    List<String> ids =
        Files.readAllLines(out).stream()
            .map(l -> l.replaceAll(".*\"_document_id\":\"([^\"]+)\".*", "$1"))
            .toList();
    assertThat(ids).containsExactly("doc-1", "doc-2", "doc-3", "doc-4", "doc-5", "doc-6", "doc-7");
  }

  @Test
  void aSinkThatCannotTellGetsTheLastPageAgainWithAWarning() throws Exception {
    List<RawAuditRecord> delivered = new ArrayList<>();
    RecordSink<RawAuditRecord> blind = delivered::addAll;
    assertThatThrownBy(() -> loop(blind, TOKEN, dyingOnSave(new CursorStore(state), 2)).runOnce())
        .hasMessageContaining("simulated kill");
    loop(blind, TOKEN).runOnce();
    assertThat(delivered).hasSize(10);
    assertThat(logLines).anySatisfy(l -> assertThat(l).contains("cannot tell", "sending it again"));
  }

  @Test
  void noRequestGoesOutBeforeTheRateLimitReset() throws Exception {
    api.remaining = 1;
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, TOKEN).runOnce();

    var reqs = server.requests();
    Instant reset = Instant.ofEpochSecond(reqs.get(0).at().getEpochSecond() + 3600);
    assertThat(reqs.get(1).at()).isAfterOrEqualTo(reset);
    assertThat(sink.records).hasSize(7);
  }

  @Test
  void retryAfterIsHonouredFor429AndSecondaryLimits() throws Exception {
    server.fault(r -> Reply.json(429, "{\"message\":\"too many\"}").with("Retry-After", "30"));
    server.fault(
        r ->
            Reply.json(403, "{\"message\":\"You have exceeded a secondary rate limit.\"}")
                .with("Retry-After", "60"));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, TOKEN).runOnce();

    var reqs = server.requests();
    assertThat(Duration.between(reqs.get(0).at(), reqs.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(Duration.between(reqs.get(1).at(), reqs.get(2).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
  }

  @Test
  void aSecondaryLimitWithoutHeadersWaitsAMinuteButAForbiddenOrgFailsAtOnce() throws Exception {
    server.fault(
        r ->
            Reply.json(
                403, "{\"message\":\"You have exceeded a secondary rate limit. Please wait\"}"));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, TOKEN).runOnce();
    var reqs = server.requests();
    assertThat(Duration.between(reqs.get(0).at(), reqs.get(1).at()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(60));

    int before = server.requests().size();
    server.fault(
        r ->
            Reply.json(
                403, "{\"message\":\"Must have admin rights to see the audit log of this org.\"}"));
    assertThatThrownBy(() -> loop(sink, TOKEN).runOnce())
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("403", "admin rights");
    assertThat(server.requests().size() - before).isEqualTo(1);
  }

  @Test
  void serverErrorsAreRetriedWithBackoff() throws Exception {
    server.fault(r -> Reply.json(502, "<html>Bad gateway</html>"));
    server.fault(r -> Reply.json(503, ""));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, TOKEN).runOnce();
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
    var reqs = server.requests();
    assertThat(reqs.get(2).at()).isAfter(reqs.get(0).at());
  }

  @Test
  void aMalformedPageIsRejectedWithItsReasonAndRetriedNotSkipped() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    // First page fine, second page truncated, then an object instead of an array.
    server.fault(api);
    server.fault(r -> Reply.json(200, "[{\"action\": \"org.add_member\", \"actor\""));
    server.fault(r -> Reply.json(200, "{\"message\":\"upstream hiccup\"}"));
    loop(sink, TOKEN).runOnce();

    assertThat(logLines).anySatisfy(l -> assertThat(l).contains("rejected page", "not valid JSON"));
    assertThat(logLines)
        .anySatisfy(l -> assertThat(l).contains("rejected page", "expected a JSON array"));
    var reqs = server.requests();
    assertThat(reqs.get(2).uri()).isEqualTo(reqs.get(1).uri());
    assertThat(reqs.get(3).uri()).isEqualTo(reqs.get(1).uri());
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
  }

  @Test
  void redirectsAreFollowed() throws Exception {
    server.fault(
        r ->
            new Reply(
                301,
                java.util.Map.of(
                    "Location", r.uri().toString().replace("/orgs/acme", "/orgs/acme")),
                new byte[0]));
    server.fault(
        r -> new Reply(302, java.util.Map.of("Location", r.uri().toString()), new byte[0]));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, TOKEN).runOnce();
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
    assertThat(server.requests().get(2).header("Authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void aRejectedTokenFailsOnceWithAClearErrorAndNoRetryStorm() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    String expired = "expired-" + TOKEN;
    assertThatThrownBy(() -> loop(sink, expired).runOnce())
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .contains("rejected the credentials", "401", "Bad credentials");
              assertThat(e.getMessage()).doesNotContain(expired);
            });
    assertThat(server.requests()).hasSize(1);
    assertThat(sink.records).isEmpty();
  }

  @Test
  void theTokenNeverAppearsInALogLineOrAnError() throws Exception {
    server.fault(r -> Reply.json(500, "{\"echo\":\"" + r.header("Authorization") + "\"}"));
    server.fault(r -> Reply.json(200, "[\"" + r.header("Authorization") + "\"]"));
    server.fault(r -> Reply.json(404, "token " + TOKEN + " has no access"));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    List<String> errors = new ArrayList<>();
    try {
      loop(sink, TOKEN).runOnce();
    } catch (SourceException e) {
      errors.add(e.getMessage());
    }
    assertThat(errors).hasSize(1);
    assertThat(logLines).hasSizeGreaterThanOrEqualTo(2);
    assertThat(logLines).noneSatisfy(l -> assertThat(l).contains(TOKEN));
    assertThat(errors).noneSatisfy(l -> assertThat(l).contains(TOKEN));
  }

  @Test
  void givingUpLeavesTheCursorWhereItWasSoNothingIsSkipped() throws Exception {
    for (int i = 0; i < 6; i++) {
      server.fault(r -> Reply.json(503, "{\"message\":\"down\"}"));
    }
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    assertThatThrownBy(() -> loop(sink, TOKEN).runOnce())
        .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("after 6 attempts");
    loop(sink, TOKEN).runOnce();
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
  }

  @Test
  void replaysTheRestApiDocsExampleByteForByte() throws Exception {
    Path fixtures = Path.of(System.getProperty("leaverwatch.fixtures", "../../shared/fixtures"));
    Path file = fixtures.resolve("github/github-rest-api-docs-example.ndjson");
    assumeTrue(Files.exists(file), "fixtures not available");
    api.events.clear();
    List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    api.events.addAll(lines);
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    IngestLog log = new IngestLog("github");
    RateLimitedHttp http =
        new RateLimitedHttp(
            "GitHub",
            Credentials.fixed("Bearer", TOKEN),
            "x-ratelimit",
            clock,
            clock.sleeper(),
            log,
            6);
    new IngestLoop(
            GitHubAuditLog.source(http, server.baseUrl(), "orgs/acme", null),
            sink,
            new CursorStore(state),
            clock,
            clock.sleeper(),
            log,
            new IngestStatus("github", clock))
        .runOnce();
    assertThat(payloads(sink.records)).containsExactlyInAnyOrderElementsOf(lines);
  }
}
