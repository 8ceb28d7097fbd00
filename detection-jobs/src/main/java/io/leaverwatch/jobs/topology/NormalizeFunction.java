package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.ClockSkewCheck;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Raw records in, normalised events out; everything else to the dead-letter side output, events
 * stamped too far after their arrival included ({@link ClockSkewCheck}).
 */
public final class NormalizeFunction extends ProcessFunction<RawAuditRecord, AuditEvent> {

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>(
          "dead-letters",
          new org.apache.flink.formats.avro.typeutils.AvroTypeInfo<>(DeadLetter.class));

  private final HashMap<String, String> rules;
  private final ClockSkewCheck clockSkew;
  private transient EventNormalizer normalizer;
  private transient Counter in;
  private transient Counter normalized;
  private transient Counter rejected;

  public NormalizeFunction(String rulesDir) {
    this(rulesDir, ClockSkewCheck.DEFAULT_MAX_SKEW);
  }

  /** With the rules folder as it is now, read here (where the job is built). */
  public NormalizeFunction(String rulesDir, Duration maxClockSkew) {
    this(RulesBundle.read(Path.of(rulesDir)), maxClockSkew);
  }

  /**
   * The action classes travel with the job graph: they change with the job's next start. (Taking
   * them from a broadcast input would end the chain of the source and this first step, and with it
   * the job's throughput.)
   */
  public NormalizeFunction(RulesBundle rules, Duration maxClockSkew) {
    this.rules = new HashMap<>(rules.toWire());
    this.clockSkew = new ClockSkewCheck(maxClockSkew);
  }

  @Override
  public void open(OpenContext ctx) {
    normalizer =
        RulesBundle.fromWire(rules).load(dir -> new EventNormalizer(ActionClassifier.load(dir)));
    in = getRuntimeContext().getMetricGroup().counter("recordsIn");
    normalized = getRuntimeContext().getMetricGroup().counter("eventsNormalized");
    rejected = getRuntimeContext().getMetricGroup().counter("recordsDeadLettered");
  }

  @Override
  public void processElement(RawAuditRecord raw, Context ctx, Collector<AuditEvent> out) {
    in.inc();
    long arrival = arrivalOf(raw, ctx.timestamp());
    for (Normalization n : normalizer.normalize(raw)) {
      if (n instanceof Normalization.Normalized ok) {
        Optional<String> skewed = clockSkew.rejection(ok.event(), arrival);
        if (skewed.isPresent()) {
          rejected.inc();
          ctx.output(DEAD_LETTERS, deadLetter(raw, skewed.get(), ok.event()));
          continue;
        }
        normalized.inc();
        out.collect(ok.event());
      } else if (n instanceof Normalization.Rejection r) {
        rejected.inc();
        ctx.output(DEAD_LETTERS, deadLetter(r));
      }
    }
  }

  /**
   * The Kafka record's timestamp when the record came from Kafka (the element's timestamp), else
   * its {@code received_at}; 0 when neither is known.
   */
  static long arrivalOf(RawAuditRecord raw, Long elementTimestamp) {
    if (elementTimestamp != null && elementTimestamp > 0 && elementTimestamp != Long.MIN_VALUE) {
      return elementTimestamp;
    }
    return raw.getReceivedAt() == null ? 0 : raw.getReceivedAt().toEpochMilli();
  }

  private static DeadLetter deadLetter(RawAuditRecord raw, String reason, AuditEvent e) {
    byte[] payload = new byte[raw.getPayload().remaining()];
    raw.getPayload().duplicate().get(payload);
    return deadLetter(
        new Normalization.Rejection(
            reason, payload, raw.getOrigin(), raw.getCursor(), e.getSource().name()));
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
