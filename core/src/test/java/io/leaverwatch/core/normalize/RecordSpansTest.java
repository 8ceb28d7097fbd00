package io.leaverwatch.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CloudTrail record's raw text is its own text in the file (compacted), found by a scan that must
 * agree with the parser, or the parsed record written out again when the scan cannot tell.
 */
class RecordSpansTest {

  private static String record(String id, String extra) {
    return "{ \"eventVersion\" : \"1.08\", \"eventID\" : \""
        + id
        + "\", \"eventTime\" : \"2026-10-01T10:00:00Z\", \"eventSource\" : \"iam.amazonaws.com\","
        + " \"eventName\" : \"ListUsers\", \"awsRegion\" : \"us-east-1\","
        + " \"sourceIPAddress\" : \"198.51.100.7\", \"userAgent\" : \"aws-cli/2 \\\"q\\\" ]}\","
        + " \"userIdentity\" : { \"type\" : \"IAMUser\", \"userName\" : \"alice\","
        + " \"arn\" : \"arn:aws:iam::111122223333:user/alice\", \"accountId\" : \"111122223333\" }"
        + extra
        + " }";
  }

  @Test
  void eachRecordKeepsItsOwnTextCompactedWithTheSpellingsOfTheFile() throws Exception {
    // pretty-printed, a string holding brackets and quotes, a number spelled 1.50, an escape
    String file =
        "\uFEFF{\n  \"Records\" : [\n    "
            + record("ct-a1", ", \"n\" : 1.50, \"u\" : \"caf\\u00e9\"")
            + " ,\n    "
            + record("ct-a2", ", \"nested\" : [ [ { \"x\" : \"}\" } ] ]")
            + "\n  ]\n}\n";
    byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
    int[] spans = RecordSpans.of(bytes);
    assertThat(spans).hasSize(4);

    List<AuditEvent> events =
        TestInputs.normalizer().normalize(TestInputs.raw(bytes)).stream()
            .map(n -> ((Normalization.Normalized) n).event())
            .toList();
    assertThat(events).extracting(AuditEvent::getEventId).containsExactly("ct-a1", "ct-a2");
    JsonNode parsed = Json.mapper().readTree(bytes);
    for (int i = 0; i < 2; i++) {
      String own =
          new String(bytes, spans[2 * i], spans[2 * i + 1] - spans[2 * i], StandardCharsets.UTF_8);
      assertThat(events.get(i).getRaw())
          .isEqualTo(EventNormalizer.compact(own.getBytes(StandardCharsets.UTF_8)));
      assertThat(Json.mapper().readTree(events.get(i).getRaw()))
          .isEqualTo(parsed.get("Records").get(i));
    }
    assertThat(events.get(0).getRaw()).contains("\"n\":1.50").contains("caf\\u00e9");
  }

  @Test
  void answersNullWhenItCannotTellAndTheRawIsWrittenFromTheTree() throws Exception {
    // two Records keys: the parser keeps the last one, the scan must not guess
    String twice =
        "{\"Records\":[" + record("ct-b0", "") + "],\"Records\":[" + record("ct-b1", "") + "]}";
    assertThat(RecordSpans.of(twice.getBytes(StandardCharsets.UTF_8))).isNull();
    List<Normalization> out =
        TestInputs.normalizer().normalize(TestInputs.raw(twice.getBytes(StandardCharsets.UTF_8)));
    AuditEvent e = ((Normalization.Normalized) out.get(0)).event();
    assertThat(e.getEventId()).isEqualTo("ct-b1");
    assertThat(Json.mapper().readTree(e.getRaw()).path("eventID").asText()).isEqualTo("ct-b1");

    assertThat(RecordSpans.of("{\"records\":[]}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(RecordSpans.of("[1,2]".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(RecordSpans.of("{\"Records\":[{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(RecordSpans.of("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(
            RecordSpans.of(
                "{\"x\":{\"Records\":[1]},\"Records\":[ 7 , {} ]}"
                    .getBytes(StandardCharsets.UTF_8)))
        .containsExactly(33, 34, 37, 39);
  }
}
