package io.leaverwatch.ingest.okta;

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
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OktaSystemLogTest {
  static final String API_TOKEN = "00aBcDeF-okta-api-token-9912";
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path state;
  final FakeClock clock = new FakeClock(T0);
  final List<String> logLines = new CopyOnWriteArrayList<>();
  FakeOktaApi api;
  FakeHttpServer server;
  final List<String> served = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    api = new FakeOktaApi(2);
    server = new FakeHttpServer(clock, api);
    api.server = server;
    api.validTokens.add("SSWS " + API_TOKEN);
    for (int i = 1; i <= 5; i++) {
      served.add(api.add("uuid-" + i, T0.minusSeconds(300 - i), "user.session.start"));
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  IngestLoop loop(InMemorySink<RawAuditRecord> sink, Credentials creds, IngestLog log)
      throws IOException {
    RateLimitedHttp http =
        new RateLimitedHttp("Okta", creds, "x-rate-limit", clock, clock.sleeper(), log, 5);
    return new IngestLoop(
        OktaSystemLog.source(http, server.baseUrl(), T0.minus(Duration.ofHours(1))),
        sink,
        new CursorStore(state),
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("okta", clock));
  }

  IngestLoop loop(InMemorySink<RawAuditRecord> sink) throws IOException {
    return loop(
        sink,
        Credentials.fixed("SSWS", API_TOKEN),
        new IngestLog("okta").addListener(logLines::add));
  }

  static List<String> payloads(List<RawAuditRecord> rs) {
    return rs.stream()
        .map(r -> StandardCharsets.UTF_8.decode(r.getPayload().duplicate()).toString())
        .toList();
  }

  @Test
  void readsPagesUntilAnEmptyPageThenPollsTheNextLink() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    assertThat(loop(sink).runOnce()).isEqualTo(5);
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
    // pages of 2, 2, 1, then the empty page that says "caught up"
    assertThat(server.requests()).hasSize(4);
    assertThat(server.requests().get(0).header("Authorization")).isEqualTo("SSWS " + API_TOKEN);

    String later = api.add("uuid-6", T0.minusSeconds(10), "user.lifecycle.deactivate");
    assertThat(loop(sink).runOnce()).isEqualTo(1);
    assertThat(payloads(sink.records)).endsWith(later).doesNotHaveDuplicates();
    assertThat(server.requests().get(4).uri().getQuery()).contains("after=uuid-5");
  }

  @Test
  void aCrashThenRestartDeliversEachEventOnce() throws Exception {
    List<RawAuditRecord> delivered = new ArrayList<>();
    assertThatThrownBy(() -> loop(new InMemorySink<>(delivered, 2)).runOnce())
        .isInstanceOf(IOException.class);
    loop(new InMemorySink<>(delivered, Integer.MAX_VALUE)).runOnce();
    assertThat(payloads(delivered)).containsExactlyElementsOf(served);
  }

  @Test
  void a429WaitsForTheRateLimitReset() throws Exception {
    long reset = T0.getEpochSecond() + 45;
    server.fault(
        r ->
            Reply.json(
                    429,
                    "{\"errorCode\":\"E0000047\",\"errorSummary\":\"API call exceeded rate limit\"}")
                .with("X-Rate-Limit-Remaining", "0")
                .with("X-Rate-Limit-Reset", Long.toString(reset)));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink).runOnce();
    assertThat(server.requests().get(1).at()).isAfterOrEqualTo(Instant.ofEpochSecond(reset));
    assertThat(sink.records).hasSize(5);
  }

  @Test
  void aRevokedApiTokenIsReportedOnceWithoutTheToken() throws Exception {
    api.validTokens.clear();
    assertThatThrownBy(() -> loop(new InMemorySink<>()).runOnce())
        .isInstanceOfSatisfying(
            SourceException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("Okta rejected the credentials", "E0000011");
              assertThat(e.getMessage()).doesNotContain(API_TOKEN);
            });
    assertThat(server.requests()).hasSize(1);
    assertThat(logLines).noneSatisfy(l -> assertThat(l).contains(API_TOKEN));
  }

  @Test
  void oauthWithAPrivateKeyJwtGetsAndRefreshesAnAccessToken() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    Path pem = state.resolve("okta-client.pem");
    Files.writeString(
        pem,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(kp.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    api.clientKey = kp.getPublic();
    api.clientId = "0oa-service-app";
    IngestLog log = new IngestLog("okta").addListener(logLines::add);
    OktaOAuthCredentials creds =
        new OktaOAuthCredentials(
            server.baseUrl(),
            "0oa-service-app",
            pem,
            "kid-1",
            List.of("okta.logs.read"),
            clock,
            log);
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink, creds, log).runOnce();
    assertThat(api.assertionErrors).isEmpty();
    assertThat(payloads(sink.records)).containsExactlyElementsOf(served);
    assertThat(api.issued).isEqualTo(1);

    // The server forgets the access token (expired early): one refresh, then success.
    api.validTokens.removeIf(t -> t.startsWith("Bearer "));
    api.add("uuid-6", T0.minusSeconds(5), "user.session.start");
    loop(sink, creds, log).runOnce();
    assertThat(api.issued).isEqualTo(2);
    assertThat(sink.records).hasSize(6);
    for (String issued : creds.secrets()) {
      assertThat(logLines).noneSatisfy(l -> assertThat(l).contains(issued));
    }
  }
}
