package io.leaverwatch.ingest;

import io.leaverwatch.ingest.sink.RecordSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what it is sent. With a failure threshold it stands in for a crash: the batch that would
 * take it past N records is refused whole (nothing of it is kept), as a real sink that did not
 * confirm must be assumed to have lost it.
 */
public final class InMemorySink<T> implements RecordSink<T> {
  public final List<T> records;
  private final int failAfter;

  public InMemorySink() {
    this(new ArrayList<>(), Integer.MAX_VALUE);
  }

  public InMemorySink(List<T> shared, int failAfter) {
    this.records = shared;
    this.failAfter = failAfter;
  }

  @Override
  public synchronized void send(List<T> batch) throws IOException {
    if (records.size() + batch.size() > failAfter) {
      throw new IOException("simulated crash: sink down after " + failAfter + " records");
    }
    records.addAll(batch);
  }

  @Override
  public boolean lastRecordProvesBatch() {
    return true;
  }

  @Override
  public synchronized java.util.Optional<Boolean> holds(T record) {
    return java.util.Optional.of(records.contains(record));
  }
}
