package io.leaverwatch.core.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.schema.RawAuditRecord;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordReaderTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static List<ReadItem> readAll(int max, Path... in) {
    List<ReadItem> out = new ArrayList<>();
    try (RecordReader r = RecordReader.open(List.of(in), CLOCK, max)) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  private static String text(ReadItem i) {
    RawAuditRecord r = ((ReadItem.Record) i).record();
    return StandardCharsets.UTF_8.decode(r.getPayload().duplicate()).toString();
  }

  @Test
  void ndjsonLinesInSortedFolderOrderWithLineCursors(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("b/2.ndjson"), "{\"n\":3}\n");
    Files.writeString(dir.resolve("a.ndjson"), "{\"n\":1}\r\n\n  \n{\"n\":2}");
    Files.writeString(dir.resolve("notes.md"), "# not read from folders");
    List<ReadItem> items = readAll(RecordReader.DEFAULT_MAX_RECORD_BYTES, dir);
    assertThat(items)
        .extracting(RecordReaderTest::text)
        .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    RawAuditRecord second = ((ReadItem.Record) items.get(1)).record();
    assertThat(second.getCursor()).isEqualTo("line 4");
    assertThat(second.getOrigin()).endsWith("a.ndjson");
    assertThat(second.getReceivedAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(second.getSource()).isNull();
  }

  @Test
  void prettyPrintedDocumentIsOneRecordAndGzipIsSeenByItsBytes(@TempDir Path dir) throws Exception {
    String doc = "{\n  \"Records\": [\n    {\"a\": 1},\n    {\"a\": 2}\n  ]\n}\n";
    Path gz = dir.resolve("log.bin");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write(doc.getBytes(StandardCharsets.UTF_8));
    }
    List<ReadItem> items = readAll(RecordReader.DEFAULT_MAX_RECORD_BYTES, gz);
    assertThat(items)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(text(i)).isEqualTo(doc);
              assertThat(((ReadItem.Record) i).record().getCursor()).isEqualTo("doc");
            });
  }

  @Test
  void truncatedFirstLineStaysLineByLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.ndjson");
    Files.writeString(f, "{\"a\":\n{\"b\":1}\n");
    assertThat(readAll(1000, f)).hasSize(2);
  }

  @Test
  void oversizedLineIsReportedNotLoadedAndReadingGoesOn(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("big.ndjson");
    Files.writeString(f, "{\"a\":1}\n{\"x\":\"" + "y".repeat(20_000) + "\"}\n{\"a\":3}\n");
    List<ReadItem> items = readAll(10_000, f);
    assertThat(items).hasSize(3);
    ReadItem.Oversized big = (ReadItem.Oversized) items.get(1);
    assertThat(big.cursor()).isEqualTo("line 2");
    assertThat(big.size()).isEqualTo(20_008);
    assertThat(big.head()).hasSize(RecordReader.OVERSIZED_HEAD_BYTES);
    assertThat(big.toRejection().reason()).contains("20008 bytes").contains("10000-byte limit");
    assertThat(text(items.get(2))).isEqualTo("{\"a\":3}");
  }

  @Test
  void tenMegabyteLineIsOneRecord(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("ten.ndjson");
    Files.writeString(f, "{\"x\":\"" + "y".repeat(10 * 1024 * 1024) + "\"}\n");
    List<ReadItem> items = readAll(RecordReader.DEFAULT_MAX_RECORD_BYTES, f);
    assertThat(items).singleElement().isInstanceOf(ReadItem.Record.class);
  }

  @Test
  void missingInputNamesTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.ndjson");
    assertThatThrownBy(() -> RecordReader.open(List.of(missing), CLOCK))
        .isInstanceOf(UnreadableInputException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void corruptGzipNamesTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.json.gz");
    Files.write(f, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
    assertThatThrownBy(() -> readAll(1000, f))
        .isInstanceOf(UnreadableInputException.class)
        .hasMessageContaining(f.toString());
  }
}
