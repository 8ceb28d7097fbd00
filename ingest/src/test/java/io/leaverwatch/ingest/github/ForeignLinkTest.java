package io.leaverwatch.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.leaverwatch.ingest.snapshot.GitHubAccessSnapshot;
import io.leaverwatch.ingest.state.Checkpoint;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A next link or a stored cursor that names another host than the configured one is refused: the
 * token goes to the configured scheme, host and port only. Two servers: the configured one, and the
 * one a hostile or broken page points at, which must see no request at all.
 */
class ForeignLinkTest {
  static final String TOKEN = "ghp_foreignLinkTestToken000000000001";
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path state;
  final FakeClock clock = new FakeClock(T0);
  FakeGitHubAuditApi api;
  FakeHttpServer configured;
  FakeHttpServer elsewhere;

  @BeforeEach
  void start() throws Exception {
    api = new FakeGitHubAuditApi(TOKEN, "acme", 2);
    configured = new FakeHttpServer(clock, api);
    FakeGitHubAuditApi other = new FakeGitHubAuditApi(TOKEN, "acme", 2);
    elsewhere = new FakeHttpServer(clock, other);
    other.server = elsewhere;
    for (int i = 1; i <= 5; i++) {
      api.add("doc-" + i, T0.minusSeconds(600 - i * 10L), "org.add_member");
      other.add("doc-" + i, T0.minusSeconds(600 - i * 10L), "org.add_member");
    }
  }

  @AfterEach
  void stop() {
    configured.close();
    elsewhere.close();
  }

  RateLimitedHttp http(IngestLog log) {
    return new RateLimitedHttp(
        "GitHub",
        Credentials.fixed("Bearer", TOKEN),
        "x-ratelimit",
        clock,
        clock.sleeper(),
        log,
        3);
  }

  IngestLoop loop(InMemorySink<RawAuditRecord> sink, CursorStore store) {
    IngestLog log = new IngestLog("github");
    return new IngestLoop(
        GitHubAuditLog.source(
            http(log), configured.baseUrl(), "orgs/acme", T0.minus(Duration.ofDays(1))),
        sink,
        store,
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("github", clock));
  }

  static String hostPort(FakeHttpServer s) {
    return s.baseUrl().replace("http://", "");
  }

  @Test
  void aNextLinkToAnotherHostIsRefusedNamingThatHost() throws Exception {
    // the configured API's pages point their next link at the other server
    api.server = elsewhere;
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();

    assertThatThrownBy(() -> loop(sink, new CursorStore(state)).runOnce())
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("points at " + elsewhere.baseUrl())
        .hasMessageContaining("configured " + configured.baseUrl())
        .satisfies(e -> assertThat(((SourceException) e).retryable()).isFalse());

    assertThat(configured.requests()).hasSize(1);
    assertThat(elsewhere.requests()).isEmpty();
  }

  @Test
  void aStoredCursorOnAnotherHostIsRefusedBeforeAnyRequest() throws Exception {
    api.server = configured;
    CursorStore store = new CursorStore(state);
    store.save(
        "github-orgs-acme",
        Checkpoint.at(elsewhere.baseUrl() + "/orgs/acme/audit-log?per_page=100&after=doc-2"));

    assertThatThrownBy(() -> loop(new InMemorySink<>(), store).runOnce())
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("stored cursor")
        .hasMessageContaining(hostPort(elsewhere));

    assertThat(elsewhere.requests()).isEmpty();
    assertThat(configured.requests()).isEmpty();
  }

  @Test
  void theSameHostOnAnotherPortOrSchemeIsAnotherHost() throws Exception {
    api.server = configured;
    CursorStore store = new CursorStore(state);
    store.save(
        "github-orgs-acme",
        Checkpoint.at(
            configured.baseUrl().replace("http://", "https://") + "/orgs/acme/audit-log"));

    assertThatThrownBy(() -> loop(new InMemorySink<>(), store).runOnce())
        .hasMessageContaining("points at https://" + hostPort(configured));
    assertThat(configured.requests()).isEmpty();
  }

  @Test
  void aSnapshotFollowsNextLinksOnItsOwnHostOnly() throws Exception {
    try (FakeHttpServer snapshot =
        new FakeHttpServer(
            clock,
            r ->
                Reply.json(200, "[{\"login\":\"octocat\",\"id\":1,\"type\":\"User\"}]")
                    .with(
                        "Link",
                        "<" + elsewhere.baseUrl() + "/orgs/acme/members?page=2>; rel=\"next\""))) {
      GitHubAccessSnapshot s =
          new GitHubAccessSnapshot(http(new IngestLog("t")), snapshot.baseUrl(), "acme");

      assertThatThrownBy(() -> s.collect(T0))
          .isInstanceOf(SourceException.class)
          .hasMessageContaining("points at " + elsewhere.baseUrl());
      assertThat(elsewhere.requests()).isEmpty();
    }
  }
}
