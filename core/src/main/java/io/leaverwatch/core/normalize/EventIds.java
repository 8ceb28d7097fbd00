package io.leaverwatch.core.normalize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.leaverwatch.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Ids for events that carry none: the SHA-256 of the event's canonical JSON (keys sorted at every
 * level, no whitespace), so the same event replayed gets the same id and re-ordered keys do not
 * matter.
 */
public final class EventIds {
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder(Json.factory()).enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  /**
   * Null for ids that sample data uses as placeholders ({@code "..."}, {@code "000000"}): reusing
   * them would merge unrelated events, so such events get a content hash instead.
   */
  static String orNullIfPlaceholder(String id) {
    if (id == null) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isLetterOrDigit(c) && c != '0') {
        return id;
      }
    }
    return null;
  }

  public String hash(JsonNode event) {
    try {
      byte[] canonical = CANONICAL.writeValueAsBytes(event);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:" + HexFormat.of().formatHex(sha.digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash event", e);
    }
  }

  public String hash(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:"
          + HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
