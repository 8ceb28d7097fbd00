package io.leaverwatch.anomaly.jobs;

import io.leaverwatch.anomaly.EventFacts;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Source;
import java.util.Arrays;
import java.util.HashMap;

/**
 * Events the streaming detector has taken and not yet folded into state, grouped by person in
 * arrival order. Only the facts the daily features read are kept (no raw payload), in columns. Not
 * part of a checkpoint: the detector folds them all before each one.
 */
final class PendingEvents {
  private int size;
  private long[] time = new long[1024];
  private String[] id = new String[1024];
  private long[] ipHash = new long[1024];
  private String[] resource = new String[1024];
  private Source[] source = new Source[1024];
  private ActionClass[] actionClass = new ActionClass[1024];
  private String[] action = new String[1024];
  private boolean[] failed = new boolean[1024];
  private int[] next = new int[1024];

  private final HashMap<String, Integer> groupOf = new HashMap<>();
  private int people;
  private String[] person = new String[256];
  private int[] first = new int[256];
  private int[] last = new int[256];
  private long earliestDayEnd = Long.MAX_VALUE;

  /** Takes an event of {@code personId} whose day ends at {@code dayEnd}. */
  void add(String personId, AuditEvent e, long dayEnd) {
    if (size == time.length) {
      grow();
    }
    int i = size++;
    time[i] = e.getEventTime().toEpochMilli();
    id[i] = e.getEventId();
    ipHash[i] = EventFacts.ipHash(e.getSourceIp());
    resource[i] = e.getResource();
    source[i] = e.getSource();
    actionClass[i] = e.getActionClass();
    action[i] = e.getAction();
    failed[i] = EventFacts.failed(e);
    next[i] = -1;
    earliestDayEnd = Math.min(earliestDayEnd, dayEnd);
    Integer g = groupOf.get(personId);
    if (g == null) {
      if (people == person.length) {
        person = Arrays.copyOf(person, people * 2);
        first = Arrays.copyOf(first, people * 2);
        last = Arrays.copyOf(last, people * 2);
      }
      groupOf.put(personId, people);
      person[people] = personId;
      first[people] = i;
      last[people] = i;
      people++;
    } else {
      next[last[g]] = i;
      last[g] = i;
    }
  }

  int size() {
    return size;
  }

  /** How many people have pending events. */
  int people() {
    return people;
  }

  String person(int group) {
    return person[group];
  }

  /** The first pending event of a person's group; {@link #next} gives the rest, then -1. */
  int first(int group) {
    return first[group];
  }

  int next(int event) {
    return next[event];
  }

  /** Fills {@code into} with the facts of pending event {@code i}. */
  EventFacts facts(int i, EventFacts into) {
    return into.set(
        time[i], id[i], ipHash[i], resource[i], source[i], actionClass[i], action[i], failed[i]);
  }

  /** The earliest end of the day of a pending event (Long.MAX_VALUE: none). */
  long earliestDayEnd() {
    return earliestDayEnd;
  }

  /** Forgets every pending event (and lets go of their strings). */
  void clear() {
    Arrays.fill(id, 0, size, null);
    Arrays.fill(resource, 0, size, null);
    Arrays.fill(action, 0, size, null);
    Arrays.fill(person, 0, people, null);
    size = 0;
    people = 0;
    groupOf.clear();
    earliestDayEnd = Long.MAX_VALUE;
  }

  private void grow() {
    int n = time.length * 2;
    time = Arrays.copyOf(time, n);
    id = Arrays.copyOf(id, n);
    ipHash = Arrays.copyOf(ipHash, n);
    resource = Arrays.copyOf(resource, n);
    source = Arrays.copyOf(source, n);
    actionClass = Arrays.copyOf(actionClass, n);
    action = Arrays.copyOf(action, n);
    failed = Arrays.copyOf(failed, n);
    next = Arrays.copyOf(next, n);
  }
}
