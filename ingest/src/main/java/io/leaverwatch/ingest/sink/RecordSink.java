package io.leaverwatch.ingest.sink;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where connectors hand their records. {@link #send} returns only once the whole batch is durable
 * (Kafka acknowledged every record, or the file was fsync'd): connectors advance their cursor only
 * after it returns, so a throw means "nothing in this batch may be assumed delivered".
 */
public interface RecordSink<T> extends AutoCloseable {
  void send(List<T> batch) throws IOException;

  /**
   * Whether the sink durably holds this exact record; empty when it cannot tell. Used after a stop
   * between "the sink confirmed a page" and "the cursor was saved", to decide whether that page
   * must be sent again.
   */
  default Optional<Boolean> holds(T record) throws IOException {
    return Optional.empty();
  }

  /**
   * Whether {@link #holds} on a batch's last record proves the whole batch is held: true for a sink
   * whose batches land all or nothing (a Kafka transaction) or strictly in order (one append to a
   * file). False for a sink that spreads a batch over partitions acknowledged one by one, where the
   * last record can land while another is lost; a pending batch is then sent again.
   */
  default boolean lastRecordProvesBatch() {
    return false;
  }

  @Override
  default void close() throws IOException {}
}
