package io.leaverwatch.ingest.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsSplitterTest {
  static RecordsSplitter.Result split(String payload, int maxPartBytes) {
    return RecordsSplitter.split(payload.getBytes(StandardCharsets.UTF_8), maxPartBytes, 8);
  }

  static List<String> parts(RecordsSplitter.Result result) {
    assertThat(result).isInstanceOf(RecordsSplitter.Pieces.class);
    return ((RecordsSplitter.Pieces) result)
        .pieces().stream()
            .map(
                p ->
                    p instanceof RecordsSplitter.Part part
                        ? new String(part.payload(), StandardCharsets.UTF_8)
                        : "too large: " + ((RecordsSplitter.TooLarge) p).index())
            .toList();
  }

  @Test
  void recordsAreCopiedByteForByteWhateverTheirTypeAndSpacing() {
    String payload =
        "\uFEFF{ \"Other\" : {\"Records\":[9]},\n \"Records\" : [ {\"a\" : \"x\\\"}\u00e9\"} ,"
            + " \"s\\\"]\" , -1.50e3 , true , null , [1, {\"b\":[]}] ]\n}\n";
    assertThat(parts(split(payload, 1000)))
        .containsExactly(
            "{\"Records\":[{\"a\" : \"x\\\"}\u00e9\"},\"s\\\"]\",-1.50e3,true,null,[1, {\"b\":[]}]]}");
  }

  @Test
  void runsAreConsecutiveAndEachWithinTheLimit() {
    // each record 7 bytes: {"i":1}; a part of n records is 14 + 7n + (n - 1) bytes
    assertThat(
            parts(split("{\"Records\":[{\"i\":1},{\"i\":2},{\"i\":3},{\"i\":4},{\"i\":5}]}", 29)))
        .containsExactly(
            "{\"Records\":[{\"i\":1},{\"i\":2}]}",
            "{\"Records\":[{\"i\":3},{\"i\":4}]}",
            "{\"Records\":[{\"i\":5}]}");
  }

  @Test
  void aRecordTooLargeAloneStandsInPlaceWithItsHead() {
    RecordsSplitter.Result result =
        split("{\"Records\":[{\"i\":1},{\"big\":\"0123456789\"},{\"i\":3}]}", 25);
    assertThat(parts(result))
        .containsExactly("{\"Records\":[{\"i\":1}]}", "too large: 1", "{\"Records\":[{\"i\":3}]}");
    RecordsSplitter.TooLarge t =
        (RecordsSplitter.TooLarge) ((RecordsSplitter.Pieces) result).pieces().get(1);
    assertThat(t.size()).isEqualTo(20);
    assertThat(new String(t.head(), StandardCharsets.UTF_8)).isEqualTo("{\"big\":\"");
  }

  @Test
  void whatIsNotARecordsDocumentSaysWhatItIs() {
    assertThat(split("{\"events\":[{}]}", 100))
        .isEqualTo(
            new RecordsSplitter.Unsplittable(
                "it is not a CloudTrail {\"Records\":[...]} document"));
    assertThat(split("[{\"Records\":[]}]", 100))
        .isEqualTo(new RecordsSplitter.Unsplittable("it is not a JSON object"));
    assertThat(split("{\"Records\":{}}", 100))
        .isEqualTo(new RecordsSplitter.Unsplittable("its Records field is not an array"));
    assertThat(split("{\"Records\":[],\"x\":1}", 100))
        .isEqualTo(
            new RecordsSplitter.Unsplittable(
                "its Records array is empty, the bytes are in other fields"));
    assertThat(split("{\"Records\":[1],\"Records\":[2]}", 100))
        .isEqualTo(new RecordsSplitter.Unsplittable("it has more than one Records field"));
    assertThat(split("{\"Records\":[1]} {}", 100))
        .isEqualTo(new RecordsSplitter.Unsplittable("it has content after its top-level object"));
    assertThat(((RecordsSplitter.Unsplittable) split("{\"Records\":[1,", 100)).why())
        .startsWith("not valid JSON: ");
  }
}
