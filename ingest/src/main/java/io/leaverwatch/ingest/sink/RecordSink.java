package io.leaverwatch.ingest.sink;

import java.io.IOException;
import java.util.List;

/**
 * Where connectors hand their records. {@link #send} returns only once the whole batch is durable
 * (Kafka acknowledged every record, or the file was fsync'd): connectors advance their cursor only
 * after it returns, so a throw means "nothing in this batch may be assumed delivered".
 */
public interface RecordSink<T> extends AutoCloseable {
  void send(List<T> batch) throws IOException;

  @Override
  default void close() throws IOException {}
}
