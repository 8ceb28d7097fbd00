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
    return at(step, receiver, false);
  }

  /** Throws at {@code step} the first time {@code receiver} reaches it sending a digest. */
  static DeliveryHooks atDigest(String step, String receiver) {
    return at(step, receiver, true);
  }

  private static DeliveryHooks at(String step, String receiver, boolean digestOnly) {
    return new DeliveryHooks() {
      boolean fired;

      void maybe(String here, String id, String r) {
        if (!fired
            && here.equals(step)
            && r.equals(receiver)
            && (!digestOnly || id.startsWith("digest-"))) {
          fired = true;
          throw new Simulated(step);
        }
      }

      @Override
      public void beforeIntent(String id, String r) {
        maybe(BEFORE_INTENT, id, r);
      }

      @Override
      public void beforeSend(String id, String r) {
        maybe(BEFORE_SEND, id, r);
      }

      @Override
      public void afterSendBeforeLedger(String id, String r) {
        maybe(AFTER_SEND, id, r);
      }

      @Override
      public void afterLedger(String id, String r) {
        maybe(AFTER_LEDGER, id, r);
      }
    };
  }
}
