package io.leaverwatch.jobs.topology;

import static io.leaverwatch.jobs.topology.TestSignals.ALICE_EMAIL;
import static io.leaverwatch.jobs.topology.TestSignals.T0;
import static io.leaverwatch.jobs.topology.TestSignals.T0_PLUS_1D;
import static io.leaverwatch.jobs.topology.TestSignals.link;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.RawAuditRecord;
import io.leaverwatch.schema.StepState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/**
 * An event stamped far in the future by a wrong clock, on one partition of audit.raw, while the
 * other partition goes idle: it must not move event time, or every deadline fires early.
 */
class ClockSkewTest {
  static final Departure ALICE = TestSignals.departure("p1", ALICE_EMAIL, T0);
  static final Instant WRONG_CLOCK = T0.plus(Duration.ofDays(3));

  private static String okta(String uuid, Instant published, String type, String actor) {
    return "{\"uuid\":\""
        + uuid
        + "\",\"published\":\""
        + published
        + "\",\"eventType\":\""
        + type
        + "\",\"actor\":{\"id\":\""
        + actor
        + "\",\"type\":\"User\",\"alternateId\":\""
        + actor
        + "@corp.example.com\"},\"outcome\":{\"result\":\"SUCCESS\"},"
        + "\"client\":{\"ipAddress\":\"198.51.100.7\"}}";
  }

  private static String deactivateAlice(String uuid, Instant published) {
    return "{\"uuid\":\""
        + uuid
        + "\",\"published\":\""
        + published
        + "\",\"eventType\":\"user.lifecycle.deactivate\",\"actor\":{\"id\":\"00usvcoffboard0001\","
        + "\"type\":\"User\",\"alternateId\":\"svc-offboarding@example.com\"},"
        + "\"target\":[{\"id\":\"00ualice\",\"type\":\"User\",\"alternateId\":\""
        + ALICE_EMAIL
        + "\"}],\"outcome\":{\"result\":\"SUCCESS\"}}";
  }

  private static RawAuditRecord raw(String json, Instant receivedAt) {
    return RawAuditRecord.newBuilder()
        .setSource("okta")
        .setReceivedAt(receivedAt)
        .setOrigin("kafka:audit.raw/1@7")
        .setPayload(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  private static OneInputStreamOperatorTestHarness<RawAuditRecord, AuditEvent> normalizer()
      throws Exception {
    return ProcessFunctionTestHarnesses.forProcessFunction(
        new NormalizeFunction(TestSignals.rulesDir().toString(), Duration.ofHours(1)));
  }

  private static List<String> deadLetterReasons(
      OneInputStreamOperatorTestHarness<RawAuditRecord, AuditEvent> h) {
    List<String> out = new ArrayList<>();
    var letters = h.getSideOutput(NormalizeFunction.DEAD_LETTERS);
    if (letters != null) {
      for (StreamRecord<DeadLetter> d : letters) {
        out.add(d.getValue().getReason());
      }
    }
    return out;
  }

  @Test
  void anEventStampedMoreThanTheSkewAfterItsKafkaTimestampIsDeadLetteredWithTheReason()
      throws Exception {
    try (var h = normalizer()) {
      Instant arrival = T0.plusSeconds(60);
      h.processElement(
          raw(okta("ok-1", T0.plus(Duration.ofMinutes(59)), "x", "bob"), T0),
          arrival.toEpochMilli());
      h.processElement(raw(okta("bad-1", WRONG_CLOCK, "x", "bob"), T0), arrival.toEpochMilli());

      assertThat(h.extractOutputValues())
          .extracting(AuditEvent::getEventId)
          .containsExactly("ok-1");
      assertThat(deadLetterReasons(h))
          .containsExactly(
              "event time 2026-10-04T12:00:00Z is more than max_clock_skew (PT1H) after arrival"
                  + " 2026-10-01T12:01:00Z (event bad-1)");
      assertThat(h.getSideOutput(NormalizeFunction.DEAD_LETTERS).peek().getValue().getPayload())
          .isEqualTo(
              ByteBuffer.wrap(
                  okta("bad-1", WRONG_CLOCK, "x", "bob").getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void withoutAKafkaTimestampTheRecordsReceivedAtIsItsArrival() throws Exception {
    try (var h = normalizer()) {
      // a bounded run: no element timestamp, received_at is the file's last-modified time
      h.processElement(new StreamRecord<>(raw(okta("bad-2", WRONG_CLOCK, "x", "bob"), T0)));
      h.processElement(new StreamRecord<>(raw(okta("ok-2", WRONG_CLOCK, "x", "bob"), WRONG_CLOCK)));

      assertThat(h.extractOutputValues())
          .extracting(AuditEvent::getEventId)
          .containsExactly("ok-2");
      assertThat(deadLetterReasons(h)).hasSize(1).allMatch(r -> r.contains("after arrival " + T0));
    }
  }

  /** One partition of audit.raw: its normaliser and the job's watermark generator after it. */
  private static final class Partition implements WatermarkOutput {
    final ManualClock clock = new ManualClock(1_000_000_000L);
    final OneInputStreamOperatorTestHarness<RawAuditRecord, AuditEvent> normalize;
    final WatermarkGenerator<AuditEvent> watermarks;
    long watermark = Long.MIN_VALUE;
    boolean idle;
    private int taken;

    Partition() throws Exception {
      normalize = normalizer();
      watermarks =
          DetectionTopology.watermarks(DetectionConfig.streaming(TestSignals.rulesDir().toString()))
              .createWatermarkGenerator(
                  new WatermarkGeneratorSupplier.Context() {
                    @Override
                    public MetricGroup getMetricGroup() {
                      return new UnregisteredMetricsGroup();
                    }

                    @Override
                    public RelativeClock getInputActivityClock() {
                      return clock;
                    }
                  });
    }

    /** A record published to this partition at {@code kafkaTime}; the events that came through. */
    List<AuditEvent> deliver(String json, Instant kafkaTime) throws Exception {
      normalize.processElement(raw(json, kafkaTime), kafkaTime.toEpochMilli());
      List<AuditEvent> all = normalize.extractOutputValues();
      List<AuditEvent> fresh = new ArrayList<>(all.subList(taken, all.size()));
      taken = all.size();
      for (AuditEvent e : fresh) {
        watermarks.onEvent(e, e.getEventTime().toEpochMilli(), this);
      }
      return fresh;
    }

    /** Wall-clock time passes on this partition's task, with a periodic emit every 200 ms. */
    void tick(Duration d) {
      for (long t = 0; t < d.toMillis(); t += 200) {
        clock.advanceTime(Duration.ofMillis(200));
        watermarks.onPeriodicEmit(this);
      }
    }

    @Override
    public void emitWatermark(Watermark w) {
      watermark = Math.max(watermark, w.getTimestamp());
      idle = false;
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }
  }

  /** What the resolver's input sees, as Flink combines its channels: idle ones do not hold back. */
  private static long combined(List<Partition> ps) {
    long minActive = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Partition p : ps) {
      max = Math.max(max, p.watermark);
      if (!p.idle) {
        minActive = Math.min(minActive, p.watermark);
      }
    }
    return minActive == Long.MAX_VALUE ? max : minActive;
  }

  @Test
  void aWrongClockOnOnePartitionWhileTheOtherIdlesFiresNoDeadlineEarly() throws Exception {
    TestSignals.Resolver resolver = new TestSignals.Resolver();
    KeyedBroadcastOperatorTestHarness<String, PersonSignal, Map<String, String>, Finding> detector =
        TestSignals.personDetectors();
    Partition okta = new Partition();
    Partition enterprise = new Partition();
    List<Partition> partitions = List.of(okta, enterprise);
    try (detector;
        okta.normalize;
        enterprise.normalize) {
      for (PersonSignal s :
          TestSignals.Resolver.forPersons(resolver.identity(link("p1", "okta", "00ualice")))) {
        detector.processElement(s, Long.MIN_VALUE);
      }
      for (PersonSignal s : TestSignals.Resolver.forPersons(resolver.departure(ALICE))) {
        detector.processElement(s, T0.toEpochMilli());
      }
      long[] fedWatermark = {Long.MIN_VALUE};
      java.util.function.Consumer<List<AuditEvent>> toDetector =
          events -> {
            try {
              for (AuditEvent e : events) {
                for (PersonSignal s : TestSignals.Resolver.forPersons(resolver.event(e))) {
                  detector.processElement(s, e.getEventTime().toEpochMilli());
                }
              }
              long w = combined(partitions);
              if (w > fedWatermark[0]) {
                fedWatermark[0] = w;
                detector.watermark(w);
              }
            } catch (Exception ex) {
              throw new IllegalStateException(ex);
            }
          };

      toDetector.accept(
          okta.deliver(
              okta("s-1", T0.plus(Duration.ofMinutes(5)), "user.session.start", "00ualice"),
              T0.plus(Duration.ofMinutes(6))));
      // a GitHub Enterprise host three days ahead, delivered at the same time
      toDetector.accept(
          enterprise.deliver(
              okta("future-1", WRONG_CLOCK, "user.session.start", "00ubob"),
              T0.plus(Duration.ofMinutes(7))));
      okta.tick(Duration.ofMillis(200));
      enterprise.tick(Duration.ofMillis(200));
      toDetector.accept(List.of());
      // both partitions stay quiet past the idleness timeout
      okta.tick(Duration.ofSeconds(31));
      enterprise.tick(Duration.ofSeconds(31));
      toDetector.accept(List.of());

      assertThat(detector.extractOutputValues())
          .extracting(Finding::getType)
          .doesNotContain(FindingType.RETAINED_ACCESS, FindingType.OFFBOARDING_INCOMPLETE);
      assertThat(fedWatermark[0]).isLessThan(T0.plus(Duration.ofHours(1)).toEpochMilli());
      assertThat(deadLetterReasons(enterprise.normalize))
          .singleElement()
          .asString()
          .contains("more than max_clock_skew");

      // the deactivation lands in time, and event time moves on as the sources do
      toDetector.accept(
          okta.deliver(
              deactivateAlice("d-1", T0.plus(Duration.ofMinutes(30))),
              T0.plus(Duration.ofMinutes(31))));
      okta.tick(Duration.ofMillis(200));
      toDetector.accept(List.of());
      detector.watermark(T0_PLUS_1D.plus(Duration.ofHours(1)).toEpochMilli());

      assertThat(detector.extractOutputValues())
          .extracting(Finding::getType)
          .doesNotContain(FindingType.RETAINED_ACCESS, FindingType.OFFBOARDING_INCOMPLETE);
      OffboardingStepStatus last = null;
      for (StreamRecord<OffboardingStepStatus> r :
          detector.getSideOutput(PersonDetectorFunction.STEP_STATUSES)) {
        last = r.getValue();
      }
      assertThat(last).isNotNull();
      assertThat(last.getStatus()).isEqualTo(StepState.ON_TIME);
    }
  }
}
