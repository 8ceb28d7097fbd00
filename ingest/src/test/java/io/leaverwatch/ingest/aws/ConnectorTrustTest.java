package io.leaverwatch.ingest.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.json.AuditEventJson;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.ingest.FakeClock;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.InMemorySink;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.IngestLoop;
import io.leaverwatch.ingest.IngestStatus;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.RawAuditRecord;
import io.leaverwatch.schema.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may hand the detection job a finished AuditEvent: an input the user marked as normalised, and
 * never a bucket or an API anyone with write access to them can fill.
 */
class ConnectorTrustTest {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path state;
  @TempDir Path files;

  static EventNormalizer normalizer() {
    String rules = System.getProperty("leaverwatch.rules");
    return new EventNormalizer(
        ActionClassifier.load(rules != null ? Path.of(rules) : Path.of("..", "rules")));
  }

  /** "Alice's Okta account was deactivated by the approved offboarding automation." */
  static String forgedDeactivation() {
    Principal automation =
        new Principal(
            "okta",
            "okta_user",
            "00u-offboarding-bot",
            "offboarding-bot@corp.example",
            null,
            null,
            null,
            PrincipalType.SERVICE,
            null);
    Principal alice =
        new Principal(
            "okta",
            "okta_user",
            "00u-alice",
            "alice@corp.example",
            "alice@corp.example",
            null,
            null,
            PrincipalType.HUMAN,
            null);
    return AuditEventJson.write(
        new AuditEvent(
            "forged-1",
            Source.OKTA,
            T0.minusSeconds(60),
            "user.lifecycle.deactivate",
            ActionClass.REVOCATION,
            automation,
            List.of(alice),
            new Outcome(OutcomeResult.SUCCESS, null),
            "198.51.100.7",
            "okta-workflows",
            null,
            null,
            null,
            "{\"eventType\":\"user.lifecycle.deactivate\"}"));
  }

  @Test
  void aNormalisedEventInAnIngestedBucketIsDeadLetteredWithTheReason() throws Exception {
    FakeClock clock = new FakeClock(T0);
    FakeS3 s3 = new FakeS3("trail-bucket", 100);
    s3.put(
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/forged.ndjson.gz",
        FakeS3.gzip(forgedDeactivation() + "\n"));
    InMemorySink<RawAuditRecord> sink = new InMemorySink<>();
    try (FakeHttpServer server = new FakeHttpServer(clock, s3);
        var client = AwsTestClients.s3(server.baseUrl())) {
      IngestLog log = new IngestLog("s3");
      new IngestLoop(
              new S3LogFileSource(client, "trail-bucket", "AWSLogs/", "cloudtrail", log),
              sink,
              new CursorStore(state),
              clock,
              clock.sleeper(),
              log,
              new IngestStatus("s3", clock))
          .runOnce();
    }
    assertThat(sink.records).hasSize(1);

    List<Normalization> out = normalizer().normalize(sink.records.get(0));

    assertThat(out)
        .singleElement()
        .isInstanceOfSatisfying(
            Normalization.Rejection.class,
            r -> {
              assertThat(r.reason())
                  .startsWith("normalised AuditEvent from an untrusted connector (s3)");
              assertThat(new String(r.original(), StandardCharsets.UTF_8))
                  .isEqualTo(forgedDeactivation());
            });
  }

  @Test
  void theSameFileIngestedAsNormalisedIsAcceptedAndWithoutTheFlagItIsNot() throws Exception {
    Path file = files.resolve("normalised.ndjson");
    Files.writeString(file, forgedDeactivation() + "\n");

    assertThat(normaliseAfterIngestFiles(file, true))
        .singleElement()
        .isInstanceOfSatisfying(
            Normalization.Normalized.class,
            n -> {
              assertThat(n.event().getEventId()).isEqualTo("forged-1");
              assertThat(n.event().getAction()).isEqualTo("user.lifecycle.deactivate");
            });
    assertThat(normaliseAfterIngestFiles(file, false))
        .singleElement()
        .isInstanceOfSatisfying(
            Normalization.Rejection.class,
            r ->
                assertThat(r.reason())
                    .startsWith("normalised AuditEvent from an untrusted connector (file)"));
  }

  /** What the job makes of the records {@code ingest files [--normalised]} puts on audit.raw. */
  static List<Normalization> normaliseAfterIngestFiles(Path file, boolean normalised)
      throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    new FilePublisher(
            producer,
            FilePublisher.Topics.defaults(),
            FilePublisher.DEFAULT_MAX_MESSAGE_BYTES,
            normalised)
        .publishEvents(List.of(file), null);
    List<Normalization> out = new ArrayList<>();
    EventNormalizer n = normalizer();
    for (var r : producer.history()) {
      out.addAll(n.normalize(RawAuditRecord.getDecoder().decode(r.value())));
    }
    return out;
  }

  @Test
  void aRecordFromAGitHubBucketThatLooksLikeCloudTrailIsRejected() {
    RawAuditRecord r =
        RawAuditRecord.newBuilder()
            .setSource("github")
            .setConnector("s3")
            .setReceivedAt(T0)
            .setOrigin("s3://gh-audit/2026/03/02/audit.json.log.gz")
            .setCursor("x#0")
            .setPayload(
                java.nio.ByteBuffer.wrap(
                    ("{\"eventVersion\":\"1.09\",\"eventSource\":\"iam.amazonaws.com\","
                            + "\"eventName\":\"DeleteAccessKey\",\"eventTime\":\"2026-03-02T09:59:00Z\","
                            + "\"eventID\":\"ct-1\",\"userIdentity\":{\"type\":\"IAMUser\","
                            + "\"userName\":\"offboarding-bot\"}}")
                        .getBytes(StandardCharsets.UTF_8)))
            .build();
    assertThat(normalizer().normalize(r))
        .singleElement()
        .isInstanceOfSatisfying(
            Normalization.Rejection.class,
            x ->
                assertThat(x.reason())
                    .contains("cloudtrail-shaped event from the github s3 connector"));
  }
}
