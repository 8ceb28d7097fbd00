package io.leaverwatch.core.detect;

/** How an event names the person: as the one who acted, or as the one acted on. */
public enum Participation {
  ACTOR,
  TARGET;

  /** Whether {@code role} (as events and state carry it) is this participation. */
  public boolean is(String role) {
    return name().equals(role);
  }

  public static Participation of(String role) {
    return valueOf(role);
  }
}
