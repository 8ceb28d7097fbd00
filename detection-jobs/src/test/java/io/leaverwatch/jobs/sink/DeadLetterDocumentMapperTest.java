package io.leaverwatch.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterDocumentMapperTest {
  private final DeadLetterDocumentMapper mapper = new DeadLetterDocumentMapper();

  private static DeadLetter letter(String payload, Integer partition, Long offset) {
    return DeadLetter.newBuilder()
        .setReason("unparseable: Unexpected character ('}' (code 125))")
        .setOrigin("audit.raw")
        .setCursor(partition == null ? null : partition + "@" + offset)
        .setSourceHint("GITHUB")
        .setTopic(partition == null ? null : "audit.raw")
        .setPartition(partition)
        .setOffset(offset)
        .setFailedAt(Instant.parse("2026-10-03T04:05:06Z"))
        .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  @Test
  void anInputDeadLetterBecomesADocumentWithOnlyTheFieldsTheStrictTemplateMaps() throws Exception {
    Map<String, Object> doc = mapper.document(letter("{\"action\":", 1, 42L));
    JsonNode props =
        new ObjectMapper()
            .readTree(Files.readString(Path.of("../dashboards/index-templates/dlq.json")))
            .at("/template/mappings/properties");
    for (String field : doc.keySet()) {
      assertThat(props.has(field)).as("field %s is mapped in dlq.json", field).isTrue();
    }
    assertThat(doc)
        .containsEntry("reason", "unparseable: Unexpected character ('}' (code 125))")
        .containsEntry("error_type", "unparseable")
        .containsEntry("source", "GITHUB")
        .containsEntry("source_topic", "audit.raw")
        .containsEntry("partition", 1)
        .containsEntry("offset", 42L)
        .containsEntry("@timestamp", "2026-10-03T04:05:06Z");
    assertThat(new String(Base64.getDecoder().decode((String) doc.get("payload_base64"))))
        .isEqualTo("{\"action\":");
    Iterator<String> names = props.fieldNames();
    assertThat(names.hasNext()).isTrue();
  }

  @Test
  void theSameRecordGivesTheSameIdSoAReplayOverwritesIt() {
    assertThat(mapper.id(letter("x", 1, 42L))).isEqualTo(mapper.id(letter("x", 1, 42L)));
    assertThat(mapper.id(letter("x", 1, 42L))).isNotEqualTo(mapper.id(letter("x", 1, 43L)));
    assertThat(mapper.id(letter("x", null, null))).isEqualTo(mapper.id(letter("x", null, null)));
    assertThat(mapper.id(letter("x", null, null))).isNotEqualTo(mapper.id(letter("y", null, null)));
  }

  @Test
  void aLargePayloadIsCutToTheCapInItsDocument() {
    String big = "a".repeat(DeadLetterDocumentMapper.MAX_PAYLOAD_BYTES + 10);
    Map<String, Object> doc = mapper.document(letter(big, 0, 1L));
    assertThat(Base64.getDecoder().decode((String) doc.get("payload_base64")))
        .hasSize(DeadLetterDocumentMapper.MAX_PAYLOAD_BYTES);
  }
}
