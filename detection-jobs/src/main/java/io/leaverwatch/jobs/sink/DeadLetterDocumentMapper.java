package io.leaverwatch.jobs.sink;

import io.leaverwatch.core.detect.FindingIds;
import io.leaverwatch.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link DeadLetter} of the job (input that could not be parsed or normalised) as the document
 * the {@code leaverwatch-dlq} index template expects, beside the documents Elasticsearch refused.
 * The id is derived from where the record came from (topic, partition, offset) or, without a
 * position, from its reason and bytes: a replay overwrites the same document. The payload is kept
 * up to {@link #MAX_PAYLOAD_BYTES} (not indexed); the whole record stays on {@code audit.dlq}.
 */
public final class DeadLetterDocumentMapper implements DocumentMapper<DeadLetter> {
  private static final long serialVersionUID = 1L;

  public static final String INDEX = "dlq";

  /** The most of a dead letter's payload copied into its document. */
  public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

  @Override
  public String index(DeadLetter letter) {
    return INDEX;
  }

  @Override
  public String id(DeadLetter d) {
    if (d.getTopic() != null && d.getPartition() != null && d.getOffset() != null) {
      return FindingIds.of(
          "input", d.getTopic(), d.getPartition().toString(), d.getOffset().toString());
    }
    return FindingIds.of(
        "input",
        String.valueOf(d.getOrigin()),
        String.valueOf(d.getCursor()),
        d.getReason(),
        Base64.getEncoder().encodeToString(bytes(d.getPayload(), Integer.MAX_VALUE)));
  }

  @Override
  public Map<String, Object> document(DeadLetter d) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("@timestamp", FindingDocumentMapper.iso(d.getFailedAt()));
    doc.put("dead_letter_id", id(d));
    doc.put("reason", d.getReason());
    doc.put("error_type", errorType(d.getReason()));
    doc.put("source", d.getSourceHint());
    doc.put("source_topic", d.getTopic() != null ? d.getTopic() : d.getOrigin());
    doc.put("partition", d.getPartition());
    doc.put("offset", d.getOffset());
    doc.put(
        "payload_base64",
        Base64.getEncoder().encodeToString(bytes(d.getPayload(), MAX_PAYLOAD_BYTES)));
    return doc;
  }

  /** The reason's leading word when it reads {@code kind: detail}, else null. */
  static String errorType(String reason) {
    if (reason == null) {
      return null;
    }
    int colon = reason.indexOf(':');
    if (colon <= 0 || colon > 64) {
      return null;
    }
    String head = reason.substring(0, colon).trim();
    return head.isEmpty() || head.contains(" ") ? null : head;
  }

  private static byte[] bytes(ByteBuffer buffer, int max) {
    if (buffer == null) {
      return new byte[0];
    }
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[Math.min(b.remaining(), max)];
    b.get(out);
    return out;
  }
}
