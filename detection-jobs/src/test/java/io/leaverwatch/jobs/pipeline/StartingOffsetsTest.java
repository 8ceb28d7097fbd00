package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Where a fresh start reads each topic, resolved against a broker's offsets as the reader does. */
class StartingOffsetsTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);

  /** A topic of 1,000 records of which the consumer group committed 500. */
  private static final class Broker implements OffsetsInitializer.PartitionOffsetsRetriever {
    @Override
    public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
      return all(partitions, 500L);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
      return all(partitions, 1000L);
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
      return all(partitions, 0L);
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
        Map<TopicPartition, Long> timestamps) {
      return Map.of();
    }

    private static Map<TopicPartition, Long> all(Collection<TopicPartition> ps, long offset) {
      Map<TopicPartition, Long> m = new HashMap<>();
      ps.forEach(p -> m.put(p, offset));
      return m;
    }
  }

  private static long firstOffsetRead(String topicKey, String startingOffsets) {
    PipelineConfig cfg =
        PipelineConfig.load(
            null,
            Map.of(
                "LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS",
                "localhost:9092",
                "LEAVERWATCH_STARTING_OFFSETS",
                startingOffsets));
    OffsetsInitializer init = StreamingPipeline.startingOffsets(cfg, topicKey);
    Broker broker = new Broker();
    long marker = init.getPartitionOffsets(List.of(P0), broker).get(P0);
    // the split reader resolves these markers against the broker
    if (marker == KafkaPartitionSplit.EARLIEST_OFFSET) {
      return broker.beginningOffsets(List.of(P0)).get(P0);
    }
    if (marker == KafkaPartitionSplit.COMMITTED_OFFSET) {
      return broker.committedOffsets(List.of(P0)).get(P0);
    }
    if (marker == KafkaPartitionSplit.LATEST_OFFSET) {
      return broker.endOffsets(List.of(P0)).get(P0);
    }
    return marker;
  }

  @Test
  void departuresAndIdentitiesAreReadWholeOnARestartWithCommittedOffsets() {
    assertThat(firstOffsetRead("departures", "committed")).isZero();
    assertThat(firstOffsetRead("identities", "committed")).isZero();
    assertThat(firstOffsetRead("departures", "latest")).isZero();
    assertThat(firstOffsetRead("identities", "latest")).isZero();
  }

  @Test
  void auditEventsAndSnapshotsFollowStartingOffsets() {
    assertThat(firstOffsetRead("raw", "committed")).isEqualTo(500);
    assertThat(firstOffsetRead("raw", "latest")).isEqualTo(1000);
    assertThat(firstOffsetRead("raw", "earliest")).isZero();
    assertThat(firstOffsetRead("access", "committed")).isEqualTo(500);
  }
}
