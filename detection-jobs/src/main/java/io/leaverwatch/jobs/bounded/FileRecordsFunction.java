package io.leaverwatch.jobs.bounded;

import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.jobs.topology.NormalizeFunction;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads the file with the given index: a bounded run's source is a sequence of file numbers, so
 * files are read in parallel and each one streams (no file is loaded whole).
 */
public final class FileRecordsFunction extends ProcessFunction<Long, RawAuditRecord> {
  private final ArrayList<String> files;

  public FileRecordsFunction(List<Path> files) {
    this.files = new ArrayList<>();
    files.forEach(f -> this.files.add(f.toString()));
  }

  @Override
  public void processElement(Long index, Context ctx, Collector<RawAuditRecord> out)
      throws Exception {
    Path file = Path.of(files.get(index.intValue()));
    // a file's records arrived when it was written: its last-modified time is their arrival, the
    // instant an event stamped later than max_clock_skew after is refused for (NormalizeFunction)
    Clock arrival =
        Clock.fixed(java.nio.file.Files.getLastModifiedTime(file).toInstant(), ZoneOffset.UTC);
    try (RecordReader reader = RecordReader.open(List.of(file), arrival)) {
      while (reader.hasNext()) {
        ReadItem item = reader.next();
        if (item instanceof ReadItem.Record r) {
          out.collect(r.record());
        } else if (item instanceof ReadItem.Oversized o) {
          ctx.output(NormalizeFunction.DEAD_LETTERS, NormalizeFunction.deadLetter(o.toRejection()));
        }
      }
    }
  }
}
