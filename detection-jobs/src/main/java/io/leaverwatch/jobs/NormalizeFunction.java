package io.leaverwatch.jobs;

import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Raw records in, normalised events out; everything else to the dead-letter side output. */
public final class NormalizeFunction extends ProcessFunction<RawAuditRecord, AuditEvent> {

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>(
          "dead-letters",
          new org.apache.flink.formats.avro.typeutils.AvroTypeInfo<>(DeadLetter.class));

  private final String rulesDir;
  private transient EventNormalizer normalizer;
  private transient Counter in;
  private transient Counter normalized;
  private transient Counter rejected;

  public NormalizeFunction(String rulesDir) {
    this.rulesDir = rulesDir;
  }

  @Override
  public void open(OpenContext ctx) {
    normalizer = new EventNormalizer(ActionClassifier.load(Path.of(rulesDir)));
    in = getRuntimeContext().getMetricGroup().counter("recordsIn");
    normalized = getRuntimeContext().getMetricGroup().counter("eventsNormalized");
    rejected = getRuntimeContext().getMetricGroup().counter("recordsDeadLettered");
  }

  @Override
  public void processElement(RawAuditRecord raw, Context ctx, Collector<AuditEvent> out) {
    in.inc();
    for (Normalization n : normalizer.normalize(raw)) {
      if (n instanceof Normalization.Normalized ok) {
        normalized.inc();
        out.collect(ok.event());
      } else if (n instanceof Normalization.Rejection r) {
        rejected.inc();
        ctx.output(DEAD_LETTERS, deadLetter(r));
      }
    }
  }

  public static DeadLetter deadLetter(Normalization.Rejection r) {
    return DeadLetter.newBuilder()
        .setReason(r.reason())
        .setOrigin(r.origin())
        .setCursor(r.cursor())
        .setSourceHint(r.sourceHint())
        .setFailedAt(Instant.now())
        .setPayload(ByteBuffer.wrap(r.original()))
        .build();
  }
}
