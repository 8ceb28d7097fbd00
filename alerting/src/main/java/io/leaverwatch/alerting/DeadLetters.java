package io.leaverwatch.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where an alert that cannot be delivered goes, with its reason: a file ({@code --dlq}) or the
 * topic {@code leaverwatch.alerts.dlq}. Lines carry the rendered payload (which never holds a
 * routing key or token) so an operator can replay them.
 */
public interface DeadLetters extends AutoCloseable {
  void write(ObjectNode line);

  @Override
  default void close() {}

  /** Keeps nothing; for dry runs and tests that only count. */
  static DeadLetters discard() {
    return line -> {};
  }
}
