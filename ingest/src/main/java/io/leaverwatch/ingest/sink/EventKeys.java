package io.leaverwatch.ingest.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.util.Set;

/**
 * Kafka keys for raw records: source plus the event's own id (Okta uuid, CloudTrail eventID, GitHub
 * _document_id), found by scanning only the payload's top-level fields; origin and cursor when the
 * event has no id.
 */
public final class EventKeys {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> ID_FIELDS = Set.of("uuid", "eventID", "_document_id");

  private EventKeys() {}

  public static String of(RawAuditRecord r) {
    String id = id(RecordJson.bytes(r.getPayload()));
    return r.getSource() + ":" + (id != null ? id : r.getOrigin() + "#" + r.getCursor());
  }

  static String id(byte[] payload) {
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (ID_FIELDS.contains(name) && v == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
