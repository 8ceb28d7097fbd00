package io.leaverwatch.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.core.json.RecordsArray;
import io.leaverwatch.schema.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CloudTrail record's raw text is its own text in the file (compacted), located by {@link
 * RecordsArray} (shared with {@code ingest files}, which splits large files with it), or the parsed
 * record written out again when it cannot be located.
 */
class CloudTrailRawTest {

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
    List<int[]> spans = RecordsArray.locate(bytes);
    assertThat(spans).hasSize(2);

    List<AuditEvent> events =
        TestInputs.normalizer().normalize(TestInputs.raw(bytes)).stream()
            .map(n -> ((Normalization.Normalized) n).event())
            .toList();
    assertThat(events).extracting(AuditEvent::getEventId).containsExactly("ct-a1", "ct-a2");
    JsonNode parsed = Json.mapper().readTree(bytes);
    for (int i = 0; i < 2; i++) {
      String own =
          new String(
              bytes, spans.get(i)[0], spans.get(i)[1] - spans.get(i)[0], StandardCharsets.UTF_8);
      assertThat(events.get(i).getRaw())
          .isEqualTo(EventNormalizer.compact(own.getBytes(StandardCharsets.UTF_8)));
      assertThat(Json.mapper().readTree(events.get(i).getRaw()))
          .isEqualTo(parsed.get("Records").get(i));
    }
    assertThat(events.get(0).getRaw()).contains("\"n\":1.50").contains("caf\\u00e9");
  }

  @Test
  void whenTheRecordsCannotBeLocatedTheRawIsWrittenFromTheTree() throws Exception {
    // two Records keys: the parser keeps the last one, the locator must not guess
    String twice =
        "{\"Records\":[" + record("ct-b0", "") + "],\"Records\":[" + record("ct-b1", "") + "]}";
    assertThatThrownBy(() -> RecordsArray.locate(utf8(twice)))
        .hasMessage("it has more than one Records field");
    List<Normalization> out = TestInputs.normalizer().normalize(TestInputs.raw(utf8(twice)));
    AuditEvent e = ((Normalization.Normalized) out.get(0)).event();
    assertThat(e.getEventId()).isEqualTo("ct-b1");
    assertThat(Json.mapper().readTree(e.getRaw()).path("eventID").asText()).isEqualTo("ct-b1");
  }

  @Test
  void locatesOnlyTheTopLevelRecordsAndSaysWhyOtherwise() throws Exception {
    assertThat(RecordsArray.locate(utf8("{\"Records\":[]}"))).isEmpty();
    assertThat(RecordsArray.locate(utf8("{\"x\":{\"Records\":[1]},\"Records\":[ 7 , {} ]}")))
        .extracting(span -> span[0] + "-" + span[1])
        .containsExactly("33-34", "37-39");
    assertThatThrownBy(() -> RecordsArray.locate(utf8("{\"records\":[]}")))
        .hasMessageContaining("not a CloudTrail");
    assertThatThrownBy(() -> RecordsArray.locate(utf8("[1,2]")))
        .hasMessage("it is not a JSON object");
    assertThatThrownBy(() -> RecordsArray.locate(utf8("{\"Records\":[{\"a\":1}")))
        .hasMessageStartingWith("not valid JSON");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
