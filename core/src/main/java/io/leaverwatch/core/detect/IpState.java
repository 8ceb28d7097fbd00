package io.leaverwatch.core.detect;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.TreeMap;

/** What one source IP was used for: by whom (per day) and the recent events from it. */
public final class IpState implements Serializable {
  /** past this many distinct people an IP is an office or VPN egress, never someone's own */
  public static final int SHARED_AFTER = 12;

  public static final int MAX_RECENT = 200;

  /** person → (day → earliest use that day) */
  public TreeMap<String, TreeMap<Long, Long>> daysByPerson = new TreeMap<>();

  public ArrayList<EventRef> recent = new ArrayList<>();
  public boolean shared;
  public long latest = Long.MIN_VALUE;

  public boolean isEmpty() {
    return !shared && daysByPerson.isEmpty() && recent.isEmpty();
  }
}
