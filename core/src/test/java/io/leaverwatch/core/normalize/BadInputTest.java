package io.leaverwatch.core.normalize;

import static io.leaverwatch.core.normalize.TestInputs.raw;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Garbage in gives a rejection with a reason and the original bytes, never an exception. */
class BadInputTest {
  private static EventNormalizer normalizer;

  @BeforeAll
  static void setUp() {
    normalizer = TestInputs.normalizer();
  }

  private static Normalization.Rejection rejected(byte[] bytes) {
    List<Normalization> out = normalizer.normalize(raw(bytes));
    assertThat(out).singleElement().isInstanceOf(Normalization.Rejection.class);
    Normalization.Rejection r = (Normalization.Rejection) out.get(0);
    assertThat(r.original()).isEqualTo(bytes);
    assertThat(r.origin()).isEqualTo("test");
    return r;
  }

  private static Normalization.Rejection rejected(String text) {
    return rejected(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void truncatedLine() {
    assertThat(rejected("{\"eventVersion\":\"1.08\",\"eventName\":\"Cre").reason())
        .startsWith("not valid JSON at line 1");
  }

  @Test
  void wrongTypes() {
    assertThat(
            rejected("{\"eventVersion\":\"1.08\",\"eventName\":\"ListUsers\",\"eventTime\":42}")
                .reason())
        .isEqualTo("field 'eventTime': expected an ISO-8601 string, got number 42");
    assertThat(rejected("{\"action\":\"git.clone\",\"actor\":[],\"created_at\":1}").reason())
        .isEqualTo("field 'actor': expected a string, got array");
    assertThat(
            rejected(
                    "{\"eventType\":\"user.session.start\",\"published\":\"2024-13-01T00:00:00Z\",\"uuid\":\"u\"}")
                .reason())
        .contains("published")
        .contains("impossible date");
    assertThat(
            rejected("{\"eventVersion\":\"1.08\",\"eventName\":\"X\",\"userIdentity\":\"root\"}")
                .reason())
        .isEqualTo("field 'userIdentity': expected an object, got string");
  }

  @Test
  void unknownSource() {
    Normalization.Rejection r = rejected("{\"hello\":\"world\"}");
    assertThat(r.reason()).startsWith("unknown source");
    assertThat(r.sourceHint()).isNull();
  }

  @Test
  void notAnObject() {
    assertThat(rejected("[1,2,3]").reason()).isEqualTo("not a JSON object but array");
    assertThat(rejected("   ").reason()).isEqualTo("empty record");
  }

  @Test
  void invalidUtf8() {
    byte[] bytes = {
      '{', '"', 'a', 'c', 't', 'i', 'o', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
    };
    assertThat(rejected(bytes).reason()).startsWith("not valid JSON").contains("UTF-8");
  }

  @Test
  void deeplyNestedJsonIsRejectedNotAStackOverflow() {
    String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThat(rejected(deep).reason()).contains("nesting depth");
  }

  @Test
  void tenMegabyteLineIsNormalisedWithoutTrouble() {
    String big = "x".repeat(10 * 1024 * 1024);
    String json =
        "{\"eventVersion\":\"1.08\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"PutUserPolicy\","
            + "\"eventTime\":\"2024-01-01T00:00:00Z\",\"requestParameters\":{\"policyDocument\":\""
            + big
            + "\"}}";
    List<Normalization> out = normalizer.normalize(raw(json));
    assertThat(out).singleElement().isInstanceOf(Normalization.Normalized.class);
  }

  @Test
  void emptyEnvelopeIsRejected() {
    assertThat(rejected("{\"Records\":[]}").reason()).isEqualTo("envelope holds no events");
  }

  @Test
  void oneBadRecordInAnS3FileCostsOnlyThatRecord() {
    List<Normalization> out =
        normalizer.normalize(
            raw(
                "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventName\":\"ListUsers\",\"eventTime\":\"2024-01-01T00:00:00Z\"},42]}"));
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isInstanceOf(Normalization.Normalized.class);
    assertThat(((Normalization.Rejection) out.get(1)).cursor()).isEqualTo("line 1 Records[1]");
  }

  @Test
  void alreadyNormalisedLinesPassThrough() {
    Normalization first =
        normalizer
            .normalize(
                raw(
                    "{\"action\":\"org.remove_member\",\"actor\":\"a\",\"user\":\"b\",\"org\":\"o\",\"created_at\":1709287200000}"))
            .get(0);
    String line =
        io.leaverwatch.core.json.AuditEventJson.write(((Normalization.Normalized) first).event());
    Normalization again = normalizer.normalize(raw(line)).get(0);
    assertThat(((Normalization.Normalized) again).event())
        .isEqualTo(((Normalization.Normalized) first).event());
  }
}
