package io.leaverwatch.ingest.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.Base64;

/** The NDJSON shapes of {@link RawAuditRecord} and {@link AccessGrant} (snake_case fields). */
public final class RecordJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private RecordJson() {}

  public static String rawRecordLine(RawAuditRecord r) throws IOException {
    byte[] payload = bytes(r.getPayload());
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("source", r.getSource());
      g.writeStringField("received_at", r.getReceivedAt().toString());
      g.writeStringField("origin", r.getOrigin());
      g.writeStringField("cursor", r.getCursor());
      g.writeStringField("connector", r.getConnector());
      JsonNode tree = parseSingleValue(payload);
      if (tree != null) {
        g.writeFieldName("payload");
        // Compact re-serialisation keeps the line a single line even if the source pretty-printed.
        g.writeTree(tree);
      } else {
        g.writeStringField("payload_base64", Base64.getEncoder().encodeToString(payload));
      }
      g.writeEndObject();
    }
    return out.toString();
  }

  public static String accessGrantLine(AccessGrant a) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      if (a.getPersonId() != null) {
        g.writeStringField("person_id", a.getPersonId());
      }
      g.writeStringField("identity", a.getIdentity());
      g.writeStringField("system", a.getSystem());
      g.writeStringField("grant", a.getGrant());
      g.writeStringField("observed_at", a.getObservedAt().toString());
      if (Boolean.TRUE.equals(a.getComplete())) {
        g.writeBooleanField("complete", true);
      }
      g.writeEndObject();
    }
    return out.toString();
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** The payload as a JSON tree, or null when it is not exactly one JSON value. */
  private static JsonNode parseSingleValue(byte[] payload) {
    try (JsonParser p = FACTORY.createParser(payload)) {
      JsonNode tree = MAPPER.readTree(p);
      if (tree == null || p.nextToken() != null) {
        return null;
      }
      return tree;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
