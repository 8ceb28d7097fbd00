package io.leaverwatch.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.ingest.FakeClock;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.InMemorySink;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.IngestLoop;
import io.leaverwatch.ingest.IngestStatus;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

class CloudTrailLookupSourceTest {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path state;
  final FakeClock clock = new FakeClock(T0);
  FakeCloudTrailApi api;
  FakeHttpServer server;
  CloudTrailClient client;
  final List<String> served = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    api = new FakeCloudTrailApi(3);
    server = new FakeHttpServer(clock, api);
    client = AwsTestClients.cloudTrail(server.baseUrl(), "us-east-1");
    for (int i = 1; i <= 7; i++) {
      served.add(api.add("ev-" + i, T0.minusSeconds(1000 - i * 60L), "CreateAccessKey"));
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  IngestLoop loop(InMemorySink<RawAuditRecord> sink) throws IOException {
    IngestLog log = new IngestLog("cloudtrail");
    var source =
        new CloudTrailLookupSource(
            client,
            "us-east-1",
            server.baseUrl() + " LookupEvents",
            T0.minus(Duration.ofHours(1)),
            Duration.ZERO,
            clock);
    return new IngestLoop(
        source,
        sink,
        new CursorStore(state),
        clock,
        clock.sleeper(),
        log,
        new IngestStatus("ct", clock));
  }

  static List<String> payloads(List<RawAuditRecord> rs) {
    return rs.stream()
        .map(r -> StandardCharsets.UTF_8.decode(r.getPayload().duplicate()).toString())
        .toList();
  }

  @Test
  void deliversTheCloudTrailEventStringOfEveryEventOnce() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    assertThat(loop(sink).runOnce()).isEqualTo(7);
    assertThat(payloads(sink.records)).containsExactlyInAnyOrderElementsOf(served);
    assertThat(sink.records).allSatisfy(r -> assertThat(r.getSource()).isEqualTo("cloudtrail"));
    assertThat(api.lookups).hasSize(3);
    assertThat(api.lookups.get(1).get("NextToken").asText()).isEqualTo("tok-3");
  }

  @Test
  void aCrashMidWindowResumesFromTheSavedNextToken() throws Exception {
    List<RawAuditRecord> delivered = new ArrayList<>();
    assertThatThrownBy(() -> loop(new InMemorySink<>(delivered, 4)).runOnce())
        .isInstanceOf(IOException.class);
    assertThat(delivered).hasSize(3);
    int before = api.lookups.size();
    loop(new InMemorySink<>(delivered, Integer.MAX_VALUE)).runOnce();
    assertThat(payloads(delivered))
        .containsExactlyInAnyOrderElementsOf(served)
        .doesNotHaveDuplicates();
    assertThat(api.lookups.get(before).get("NextToken").asText()).isEqualTo("tok-3");
  }

  @Test
  void theNextWindowSkipsEventsAtTheSharedEdgeSecond() throws Exception {
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    // An event in the very second that closes the first window.
    String edge = api.add("ev-edge", T0, "DeleteUser");
    loop(sink).runOnce();
    assertThat(payloads(sink.records)).contains(edge);

    clock.advance(Duration.ofMinutes(10));
    String later = api.add("ev-later", T0.plusSeconds(120), "DeleteAccessKey");
    assertThat(loop(sink).runOnce()).isEqualTo(1);
    assertThat(payloads(sink.records)).endsWith(later).doesNotHaveDuplicates().hasSize(9);
  }

  @Test
  void throttlingIsRiddenOutByTheSdkRetryPolicy() throws Exception {
    server.fault(
        r ->
            FakeCloudTrailApi.json(
                400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    loop(sink).runOnce();
    assertThat(sink.records).hasSize(7);
    assertThat(server.requests()).hasSize(4);
  }

  @Test
  void deniedAccessIsReportedAsNotRetryable() {
    server.fault(
        r ->
            FakeCloudTrailApi.json(
                400,
                "{\"__type\":\"AccessDeniedException\",\"message\":\"User: alice is not authorized"
                    + " to perform: cloudtrail:LookupEvents\"}"));
    assertThatThrownBy(() -> loop(new InMemorySink<>()).runOnce())
        .isInstanceOfSatisfying(
            io.leaverwatch.ingest.SourceException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("not authorized")
        .message()
        .doesNotContain(AwsTestClients.SECRET_KEY);
  }

  @Test
  void eachRegionKeepsItsOwnCursor() {
    var a = new CloudTrailLookupSource(client, "us-east-1", "x", T0, Duration.ZERO, clock);
    var b = new CloudTrailLookupSource(client, "eu-west-1", "x", T0, Duration.ZERO, clock);
    assertThat(a.key()).isNotEqualTo(b.key());
  }

  @Test
  void anEventThatBecomesSearchable12MinutesLateIsIngestedOnceWithTheDefaultSettings()
      throws Exception {
    // The command's defaults: windows close 5 minutes behind now, 15 minutes are read again.
    var source =
        new CloudTrailLookupSource(
            client,
            "us-east-1",
            "lookup",
            T0.minus(Duration.ofHours(1)),
            Duration.ofMinutes(5),
            clock);
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    IngestLoop loop =
        new IngestLoop(
            source,
            sink,
            new CursorStore(state),
            clock,
            clock.sleeper(),
            new IngestLog("cloudtrail"),
            new IngestStatus("ct", clock));
    assertThat(loop.runOnce()).isEqualTo(7);

    // At T0 + 4 min an event of T0 - 8 min shows up: its window [.., T0 - 5 min] is already read.
    clock.advance(Duration.ofMinutes(4));
    String late = api.add("ev-late", T0.minus(Duration.ofMinutes(8)), "CreateAccessKey");
    for (int i = 0; i < 3; i++) {
      loop.runOnce();
      clock.advance(Duration.ofSeconds(30));
    }
    assertThat(payloads(sink.records))
        .contains(late)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            java.util.stream.Stream.concat(served.stream(), java.util.stream.Stream.of(late))
                .toList());
  }

  @Test
  void theStateKeepsOnlyTheIdsOfTheStretchReadAgain() throws Exception {
    var source =
        new CloudTrailLookupSource(
            client,
            "us-east-1",
            "lookup",
            T0.minus(Duration.ofHours(1)),
            Duration.ZERO,
            Duration.ofMinutes(10),
            clock);
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    new IngestLoop(
            source,
            sink,
            new CursorStore(state),
            clock,
            clock.sleeper(),
            new IngestLog("cloudtrail"),
            new IngestStatus("ct", clock))
        .runOnce();
    // ev-1..ev-7 happened at T0 - 940 s .. T0 - 580 s; only those of the last 10 minutes are kept.
    var cp = new CursorStore(state).load("cloudtrail-us-east-1").orElseThrow();
    assertThat(cp.boundaryIds()).containsExactlyInAnyOrder("ev-7");
  }
}
