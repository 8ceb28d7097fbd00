package io.leaverwatch.alerting;

/** The crash-injection hook: dies at one step of one receiver's delivery, as a kill would. */
final class Crash {
  static final String BEFORE_INTENT = "before-intent";
  static final String BEFORE_SEND = "before-send";
  static final String AFTER_SEND = "after-send";
  static final String AFTER_LEDGER = "after-ledger";

  private Crash() {}

  static final class Simulated extends RuntimeException {
    Simulated(String step) {
      super("killed " + step);
    }
  }

  /** Throws at {@code step} the first time {@code receiver} reaches it. */
  static DeliveryHooks at(String step, String receiver) {
    return new DeliveryHooks() {
      boolean fired;

      void maybe(String here, String r) {
        if (!fired && here.equals(step) && r.equals(receiver)) {
          fired = true;
          throw new Simulated(step);
        }
      }

      @Override
      public void beforeIntent(String findingId, String r) {
        maybe(BEFORE_INTENT, r);
      }

      @Override
      public void beforeSend(String findingId, String r) {
        maybe(BEFORE_SEND, r);
      }

      @Override
      public void afterSendBeforeLedger(String findingId, String r) {
        maybe(AFTER_SEND, r);
      }

      @Override
      public void afterLedger(String findingId, String r) {
        maybe(AFTER_LEDGER, r);
      }
    };
  }
}
