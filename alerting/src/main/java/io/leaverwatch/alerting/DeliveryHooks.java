package io.leaverwatch.alerting;

/**
 * Points in one delivery where the process can die, in order: before the write-ahead intent, after
 * it and before the request, after the receiver accepted the request and before the ledger has it,
 * and after the ledger has it (before the caller commits the offset or a {@code --once} run ends).
 * Tests throw from them to kill the dispatcher at every step and check what a restart does;
 * production passes {@link #NONE}. For a digest the first argument is the digest's id ({@code
 * digest-…}) instead of a finding id.
 */
public interface DeliveryHooks {
  DeliveryHooks NONE = new DeliveryHooks() {};

  default void beforeIntent(String findingId, String receiver) {}

  default void beforeSend(String findingId, String receiver) {}

  default void afterSendBeforeLedger(String findingId, String receiver) {}

  default void afterLedger(String findingId, String receiver) {}

  /** Streaming: the ledger has the deliveries, the findings offsets are about to be committed. */
  default void beforeOffsetCommit() {}
}
