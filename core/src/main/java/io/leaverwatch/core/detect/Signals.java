package io.leaverwatch.core.detect;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;

/**
 * Event signals made with the all-arguments constructor: they are made once or twice per event, and
 * Avro's builders copy the schema's field array and deep-copy a default for every field left unset,
 * which was a tenth of the job's allocations.
 */
public final class Signals {
  private Signals() {}

  /** An event not yet resolved to anyone. */
  public static PersonSignal unresolved(AuditEvent e) {
    return new PersonSignal(SignalKind.EVENT, null, null, null, e, null, null, null, null);
  }

  /** An event of {@code person} in {@code role}, with the person's departure when known. */
  public static PersonSignal event(
      AuditEvent e, String person, String role, String identity, Departure departure) {
    return new PersonSignal(
        SignalKind.EVENT, person, role, identity, e, departure, null, null, null);
  }
}
