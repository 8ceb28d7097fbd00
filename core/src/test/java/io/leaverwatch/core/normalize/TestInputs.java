package io.leaverwatch.core.normalize;

import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Shared test inputs: the rules folder, the committed samples, the fixtures folder. */
final class TestInputs {
  static final Instant RECEIVED = Instant.parse("2030-01-01T00:00:00Z");
  static final Clock CLOCK = Clock.fixed(RECEIVED, ZoneOffset.UTC);

  private TestInputs() {}

  static Path rulesDir() {
    String p = System.getProperty("leaverwatch.rules");
    if (p != null && Files.isDirectory(Path.of(p))) {
      return Path.of(p);
    }
    return Path.of("..", "rules");
  }

  static ActionClassifier classifier() {
    return ActionClassifier.load(rulesDir());
  }

  static EventNormalizer normalizer() {
    return new EventNormalizer(classifier());
  }

  static Path samples() {
    return Path.of("src", "test", "resources", "samples");
  }

  static Path fixtures() {
    String p = System.getProperty("leaverwatch.fixtures");
    return p == null ? null : Path.of(p);
  }

  static RawAuditRecord raw(String json) {
    return raw(json.getBytes(StandardCharsets.UTF_8));
  }

  static RawAuditRecord raw(byte[] bytes) {
    return new RawAuditRecord(null, RECEIVED, "test", "line 1", ByteBuffer.wrap(bytes), null);
  }

  static List<Normalization> normalizeAll(EventNormalizer n, Path... inputs) {
    List<Normalization> out = new ArrayList<>();
    try (RecordReader r = RecordReader.open(List.of(inputs), CLOCK)) {
      while (r.hasNext()) {
        ReadItem item = r.next();
        if (item instanceof ReadItem.Record rec) {
          out.addAll(n.normalize(rec.record()));
        } else {
          out.add(((ReadItem.Oversized) item).toRejection());
        }
      }
    }
    return out;
  }

  static List<AuditEvent> events(List<Normalization> results) {
    List<AuditEvent> out = new ArrayList<>();
    for (Normalization n : results) {
      if (n instanceof Normalization.Normalized ok) {
        out.add(ok.event());
      }
    }
    return out;
  }

  static List<Normalization.Rejection> rejections(List<Normalization> results) {
    List<Normalization.Rejection> out = new ArrayList<>();
    for (Normalization n : results) {
      if (n instanceof Normalization.Rejection r) {
        out.add(r);
      }
    }
    return out;
  }

  static AuditEvent only(List<Normalization> results) {
    List<AuditEvent> ev = events(results);
    if (ev.size() != 1 || results.size() != 1) {
      throw new AssertionError("expected exactly one event, got " + results);
    }
    return ev.get(0);
  }
}
