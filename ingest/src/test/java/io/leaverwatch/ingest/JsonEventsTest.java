package io.leaverwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.ingest.http.JsonEvents;
import io.leaverwatch.ingest.http.MalformedPageException;
import io.leaverwatch.ingest.http.RawEvent;
import io.leaverwatch.ingest.sink.NdjsonFileSink;
import io.leaverwatch.ingest.state.Checkpoint;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonEventsTest {
  @TempDir Path dir;

  static String text(RawEvent e) {
    return new String(e.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void arrayElementsKeepTheirExactBytes() throws Exception {
    String a = "{ \"a\" : 1,\n  \"b\": [1, 2] }";
    String b = "{\"c\":\"\\u00e9\"}";
    List<RawEvent> out =
        JsonEvents.splitArray(("[\n" + a + " ,\t" + b + "]").getBytes(StandardCharsets.UTF_8));
    assertThat(out).extracting(JsonEventsTest::text).containsExactly(a, b);
    assertThat(out.get(0).tree().get("a").asInt()).isEqualTo(1);
  }

  @Test
  void badPagesAreRejectedWithAReason() {
    assertThatThrownBy(() -> JsonEvents.splitArray("{\"message\":\"x\"}".getBytes()))
        .isInstanceOf(MalformedPageException.class)
        .hasMessageContaining("expected a JSON array");
    assertThatThrownBy(() -> JsonEvents.splitArray("[{\"a\":1},".getBytes()))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> JsonEvents.splitArray("[{\"a\":1}, 7]".getBytes()))
        .hasMessageContaining("element 1 is a number");
    assertThatThrownBy(() -> JsonEvents.splitArray("[] []".getBytes()))
        .hasMessageContaining("after the array");
    assertThatThrownBy(() -> JsonEvents.splitArray(new byte[0]))
        .isInstanceOf(MalformedPageException.class);
  }

  @Test
  void theFixturesMalformedCloudTrailFilesAreRejectedNotCrashedOn() throws Exception {
    Path dir =
        Path.of(
            System.getProperty("leaverwatch.fixtures", "../../shared/fixtures"),
            "cloudtrail/malformed");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "fixtures not available");
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        assertThatThrownBy(() -> JsonEvents.splitField(Files.readAllBytes(f), "Records"))
            .as(f.toString())
            .isInstanceOf(MalformedPageException.class);
      }
    }
  }

  @Test
  void cursorsSurviveARoundTripAndGarbageIsNamed() throws Exception {
    CursorStore store = new CursorStore(dir);
    Checkpoint cp = new Checkpoint("https://x/y?after=1", Set.of("a", "b"), Map.of("k", "v"));
    store.save("github-orgs/acme", cp);
    assertThat(store.load("github-orgs/acme")).contains(cp);
    assertThat(store.load("other")).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly("github-orgs_acme.json");
    }
    Files.writeString(dir.resolve("broken.json"), "{\"position\": ");
    assertThatThrownBy(() -> store.load("broken"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("broken.json");
  }

  @Test
  void fileSinkWritesOneRawRecordPerLine() throws Exception {
    Path out = dir.resolve("x.ndjson");
    try (NdjsonFileSink<RawAuditRecord> sink =
        new NdjsonFileSink<>(out, RecordJson::rawRecordLine)) {
      sink.send(List.of(record("{\n \"action\": \"org.add_member\"}"), record("not json at all")));
    }
    List<String> lines = Files.readAllLines(out);
    assertThat(lines)
        .containsExactly(
            "{\"source\":\"github\",\"received_at\":\"2026-03-02T10:00:00Z\",\"origin\":\"o\","
                + "\"cursor\":\"c\",\"connector\":null,\"payload\":{\"action\":\"org.add_member\"}}",
            "{\"source\":\"github\",\"received_at\":\"2026-03-02T10:00:00Z\",\"origin\":\"o\","
                + "\"cursor\":\"c\",\"connector\":null,\"payload_base64\":\"bm90IGpzb24gYXQgYWxs\"}");
  }

  static RawAuditRecord record(String payload) {
    return RawAuditRecord.newBuilder()
        .setSource("github")
        .setReceivedAt(Instant.parse("2026-03-02T10:00:00Z"))
        .setOrigin("o")
        .setCursor("c")
        .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
        .build();
  }
}
