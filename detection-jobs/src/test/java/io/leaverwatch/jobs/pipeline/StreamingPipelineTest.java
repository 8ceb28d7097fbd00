package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.core.detect.FindingBounds;
import io.leaverwatch.jobs.TestDirs;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class StreamingPipelineTest {

  /** The producer default of {@code max.request.size}. */
  private static final int KAFKA_MAX_REQUEST_SIZE = 1024 * 1024;

  @Test
  void aFailingJobRestartsWithExponentialDelayAndAFailedCheckpointDoesNotFailIt() {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
    PipelineConfig cfg = PipelineConfig.load(null, env);
    StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamingPipeline.build(flink, cfg, TestDirs.rules().toString(), env);

    assertThat(flink.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("exponential-delay");
    assertThat(
            flink
                .getConfiguration()
                .get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .isEqualTo(FaultTolerance.MAX_BACKOFF);
    assertThat(flink.getCheckpointConfig().getTolerableCheckpointFailureNumber())
        .isEqualTo(Integer.MAX_VALUE);
    // the topology does not set it: the streaming wiring does, as the owner of the environment
    assertThat(flink.getConfig().isObjectReuseEnabled()).isTrue();
  }

  /** A build without the anomaly modules says so when a model is configured, not silently. */
  @Test
  void anAnomalyModelWithoutTheAnomalyDetectorOnTheClasspathIsRefused() {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
    env.put("LEAVERWATCH_ANOMALY_MODEL_DIR", "/models/anomaly");
    PipelineConfig cfg = PipelineConfig.load(null, env);
    StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();

    assertThat(StreamingDetectorExtension.discover()).isEmpty();
    assertThatThrownBy(() -> StreamingPipeline.build(flink, cfg, TestDirs.rules().toString(), env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("anomaly.model_dir")
        .hasMessageContaining("no anomaly detector");
  }

  /**
   * The findings topic's record of the largest finding the detectors can build fits a producer's
   * default {@code max.request.size}: a record over it failed the Kafka sink on every restart.
   */
  @Test
  void theLargestBoundedFindingIsARecordUnderKafkasDefaultRequestSize() {
    String wide = "€".repeat(50_000);
    Map<String, String> details = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    List<String> evidence = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      details.put(i + wide, wide);
      ids.add(i + wide);
      evidence.add(
          "{\"n\":" + i + ",\"blob\":\"" + "€".repeat(i % 2 == 0 ? 2_000 : 40_000) + "\"}");
    }
    Finding f =
        FindingBounds.cap(
            Finding.newBuilder()
                .setFindingId("f-" + wide)
                .setType(FindingType.POST_DEPARTURE_ACTIVITY)
                .setSeverity(Severity.CRITICAL)
                .setPersonId(wide)
                .setEmail(wide)
                .setRole(wide)
                .setIdentity(wide)
                .setAction(wide)
                .setFirstSeen(Instant.EPOCH)
                .setLastSeen(Instant.EPOCH)
                .setEventCount(200)
                .setEventIds(ids)
                .setRuleId(wide)
                .setRuleVersion(wide)
                .setSummary(wide)
                .setResolution(wide)
                .setDetails(details)
                .setEvidence(evidence)
                .build());
    AvroRecordSerializer<Finding> serializer =
        new AvroRecordSerializer<>(
            Finding.class,
            "leaverwatch.findings",
            x -> x.getFindingId().getBytes(StandardCharsets.UTF_8),
            true);

    ProducerRecord<byte[], byte[]> record = serializer.serialize(f, null, 0L);

    int size = record.key().length + record.value().length;
    assertThat(size).isLessThan(FindingBounds.MAX_RECORD_BYTES + 16 * 1024);
    assertThat(size).isLessThan(KAFKA_MAX_REQUEST_SIZE / 2);
    assertThat(f.getDetails()).containsKey(FindingBounds.EVIDENCE_OMITTED);
  }
}
