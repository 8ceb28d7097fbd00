package io.leaverwatch.alerting;

/**
 * Points in one delivery where the process can die. Tests throw from them to kill the dispatcher at
 * every step and check what a restart does.
 */
public interface DeliveryHooks {
  DeliveryHooks NONE = new DeliveryHooks() {};

  default void beforeSend(String findingId, String receiver) {}

  default void afterSendBeforeLedger(String findingId, String receiver) {}

  default void afterLedger(String findingId, String receiver) {}
}
