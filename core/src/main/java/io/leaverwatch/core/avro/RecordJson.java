package io.leaverwatch.core.avro;

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
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one-line JSON of the project's records, snake_case fields as in the schemas. {@link #toJson}:
 * findings, step statuses and dead letters, instants as ISO-8601 UTC strings, maps with sorted
 * keys, so the same record always gives the same bytes. {@link #rawRecordLine} and {@link
 * #accessGrantLine}: the NDJSON shapes of {@link RawAuditRecord} and {@link AccessGrant} that
 * {@code ingest} writes to files and the record reader takes back.
 */
public final class RecordJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private RecordJson() {}

  public static String toJson(SpecificRecord record) {
    StringWriter w = new StringWriter(512);
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      write(g, record);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  private static void write(JsonGenerator g, SpecificRecord r) throws IOException {
    g.writeStartObject();
    for (Schema.Field f : r.getSchema().getFields()) {
      g.writeFieldName(f.name());
      writeValue(g, r.get(f.pos()));
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof SpecificRecord) {
      write(g, (SpecificRecord) v);
    } else if (v instanceof Instant) {
      g.writeString(v.toString());
    } else if (v instanceof CharSequence || v instanceof Enum) {
      g.writeString(v.toString());
    } else if (v instanceof Integer || v instanceof Long) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Number) {
      g.writeNumber(((Number) v).doubleValue());
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) v).duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      try {
        g.writeString(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString());
      } catch (CharacterCodingException e) {
        g.writeString("base64:" + Base64.getEncoder().encodeToString(bytes));
      }
    } else if (v instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : new TreeMap<>((Map<?, ?>) v).entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List) {
      g.writeStartArray();
      for (Object o : (List<?>) v) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }

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

  /** The remaining bytes of {@code buffer}, which is left as it was. */
  public static byte[] bytes(ByteBuffer buffer) {
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
