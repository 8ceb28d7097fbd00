package io.leaverwatch.anomaly;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Source;

/**
 * The parts of one audit event that the daily features read, and nothing else (no raw payload), so
 * that a caller may hold many events' facts for a while at little cost: the streaming detector
 * keeps them until it folds them into each person's state. Mutable, to be filled and reused.
 */
public final class EventFacts {
  long time;
  String id;
  long rank;
  long ipHash;
  String resource;
  Source source;
  ActionClass actionClass;
  String action;
  boolean failed;

  /** The facts of {@code e}, in a new object. */
  public static EventFacts of(AuditEvent e) {
    return new EventFacts().set(e);
  }

  /** Fills this with the facts of {@code e}. */
  public EventFacts set(AuditEvent e) {
    return set(
        e.getEventTime().toEpochMilli(),
        e.getEventId(),
        ipHash(e.getSourceIp()),
        e.getResource(),
        e.getSource(),
        e.getActionClass(),
        e.getAction(),
        failed(e));
  }

  /** Fills this with facts kept apart (the {@code ipHash} of {@link #ipHash(String)}). */
  public EventFacts set(
      long time,
      String id,
      long ipHash,
      String resource,
      Source source,
      ActionClass actionClass,
      String action,
      boolean failed) {
    this.time = time;
    this.id = id;
    this.rank = LongSet.hash(id);
    this.ipHash = ipHash;
    this.resource = resource;
    this.source = source;
    this.actionClass = actionClass;
    this.action = action;
    this.failed = failed;
    return this;
  }

  /** The hash a source IP is kept as; 0: the event has none. */
  public static long ipHash(String ip) {
    return ip == null || ip.isEmpty() ? 0 : LongSet.hash(ip);
  }

  /** Whether {@code e} failed. */
  public static boolean failed(AuditEvent e) {
    return e.getOutcome() != null && e.getOutcome().getResult() == OutcomeResult.FAILURE;
  }

  public long time() {
    return time;
  }
}
