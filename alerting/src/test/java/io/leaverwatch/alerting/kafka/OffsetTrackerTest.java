package io.leaverwatch.alerting.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  static final TopicPartition P0 = new TopicPartition("leaverwatch.findings", 0);

  @Test
  void theCommittableOffsetStaysBelowTheOldestUndeliveredRecord() {
    OffsetTracker t = new OffsetTracker();
    t.started(P0, 10);
    t.started(P0, 11);
    t.started(P0, 12);
    t.done(P0, 11);
    t.done(P0, 12);
    // 10 waits for a receiver under a 429: a restart must read it again
    assertThat(t.committable()).containsEntry(P0, 10L);
    t.done(P0, 10);
    assertThat(t.committable()).containsEntry(P0, 13L);
  }
}
