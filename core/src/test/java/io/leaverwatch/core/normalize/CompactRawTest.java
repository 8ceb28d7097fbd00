package io.leaverwatch.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The raw event kept on an AuditEvent is the received text without whitespace outside strings. */
class CompactRawTest {
  @Test
  void alreadyCompactTextIsKeptAsIs() {
    String json = "{\"userAgent\":\"aws-cli/2.15.0 Python/3.11.6\",\"n\":1.50,\"b\":true}";
    assertThat(EventNormalizer.compact(bytes(json))).isEqualTo(json);
  }

  @Test
  void whitespaceOutsideStringsIsDroppedAndInsideStringsKept() {
    String pretty = "{\n  \"a\" : \"x y\\t\",\r\n\t\"b\" : [ 1 , { \"c\" : null } ]\n}\n";
    assertThat(EventNormalizer.compact(bytes(pretty)))
        .isEqualTo("{\"a\":\"x y\\t\",\"b\":[1,{\"c\":null}]}");
  }

  @Test
  void escapedQuotesAndBackslashesDoNotEndAString() {
    List<String> cases =
        List.of(
            "{ \"q\" : \"say \\\"hi there\\\" \" }",
            "{ \"path\" : \"C:\\\\ dir\\\\\" , \"next\" : \" s \" }",
            "{ \"u\" : \"caf\u00e9 \u2603 \\u00e9\" ,\"x\": 1 }",
            "  { }  ");
    for (String json : cases) {
      assertThat(EventNormalizer.compact(bytes(json))).as(json).isEqualTo(byteWiseOracle(json));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The straightforward byte-by-byte state machine the optimised version must agree with. */
  private static String byteWiseOracle(String s) {
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    boolean escaped = false;
    for (char c : s.toCharArray()) {
      if (inString) {
        out.append(c);
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        out.append(c);
      } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        out.append(c);
      }
    }
    return out.toString();
  }
}
