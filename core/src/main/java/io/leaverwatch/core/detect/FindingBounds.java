package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.OffboardingStepStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps every finding and step status under a size a Kafka producer ({@code max.request.size}, 1
 * MiB by default) and an Elasticsearch bulk always take, whatever the input held. A record over the
 * limit fails its sink for good, and with checkpoints that is a restart loop in which nothing is
 * delivered, so the bound is enforced where findings are built rather than hoped for at the sink.
 *
 * <p>The worst case, every field at its limit, encodes to under {@link #MAX_RECORD_BYTES}
 * (measured: 501,440 bytes): evidence at most {@link #MAX_EVIDENCE_BYTES} (UTF-8), plus ten text
 * fields of at most {@link #MAX_TEXT_CHARS} characters, {@link #MAX_DETAILS} details of at most
 * {@link #MAX_DETAIL_KEY_CHARS} + {@link #MAX_DETAIL_VALUE_CHARS} characters and {@link
 * #MAX_EVENT_IDS} ids of at most {@link #MAX_EVENT_ID_CHARS} characters, at three UTF-8 bytes per
 * character.
 *
 * <p>Evidence events are kept whole or not at all (a cut raw event is no longer JSON): in order,
 * each one that still fits; {@code details.evidence_omitted} then says "N events, M bytes" of what
 * was left out. Event ids past {@link #MAX_EVENT_IDS} are dropped, and {@code event_count} keeps
 * the total. A text over its limit is cut and ends with a marker saying how much was cut.
 */
public final class FindingBounds {
  public static final int MAX_RECORD_BYTES = 512 * 1024;
  public static final int MAX_EVIDENCE_EVENTS = 20;
  public static final int MAX_EVIDENCE_BYTES = 256 * 1024;
  public static final int MAX_EVENT_IDS = 20;
  public static final int MAX_EVENT_ID_CHARS = 256;
  public static final int MAX_TEXT_CHARS = 4096;
  public static final int MAX_DETAILS = 32;
  public static final int MAX_DETAIL_KEY_CHARS = 64;
  public static final int MAX_DETAIL_VALUE_CHARS = 1024;

  /** The detail that says how much evidence was left out. */
  public static final String EVIDENCE_OMITTED = "evidence_omitted";

  /** The detail that says how many details were left out. */
  public static final String DETAILS_OMITTED = "details_omitted";

  private FindingBounds() {}

  /** The finding itself, capped in place (the only copy: the caller has just built it). */
  public static Finding cap(Finding f) {
    f.setFindingId(text(f.getFindingId(), MAX_TEXT_CHARS));
    f.setPersonId(text(f.getPersonId(), MAX_TEXT_CHARS));
    f.setEmail(text(f.getEmail(), MAX_TEXT_CHARS));
    f.setRole(text(f.getRole(), MAX_TEXT_CHARS));
    f.setIdentity(text(f.getIdentity(), MAX_TEXT_CHARS));
    f.setAction(text(f.getAction(), MAX_TEXT_CHARS));
    f.setRuleId(text(f.getRuleId(), MAX_TEXT_CHARS));
    f.setRuleVersion(text(f.getRuleVersion(), MAX_TEXT_CHARS));
    f.setSummary(text(f.getSummary(), MAX_TEXT_CHARS));
    f.setResolution(text(f.getResolution(), MAX_TEXT_CHARS));
    List<String> ids = f.getEventIds() == null ? List.of() : f.getEventIds();
    f.setEventCount(Math.max(f.getEventCount(), ids.size()));
    f.setEventIds(ids(ids));

    Map<String, String> details = details(f.getDetails());
    List<String> evidence = f.getEvidence() == null ? List.of() : f.getEvidence();
    List<String> kept = new ArrayList<>(Math.min(evidence.size(), MAX_EVIDENCE_EVENTS));
    long keptBytes = 0;
    long omitted = 0;
    long omittedBytes = 0;
    for (String raw : evidence) {
      long bytes = utf8Length(raw);
      if (kept.size() < MAX_EVIDENCE_EVENTS && keptBytes + bytes <= MAX_EVIDENCE_BYTES) {
        kept.add(raw);
        keptBytes += bytes;
      } else {
        omitted++;
        omittedBytes += bytes;
      }
    }
    if (omitted > 0) {
      details.put(EVIDENCE_OMITTED, omitted + " events, " + omittedBytes + " bytes");
    }
    f.setEvidence(kept.size() == evidence.size() ? evidence : kept);
    f.setDetails(details);
    return f;
  }

  /** The step status itself, capped in place. */
  public static OffboardingStepStatus cap(OffboardingStepStatus s) {
    s.setStatusId(text(s.getStatusId(), MAX_TEXT_CHARS));
    s.setPersonId(text(s.getPersonId(), MAX_TEXT_CHARS));
    s.setEmail(text(s.getEmail(), MAX_TEXT_CHARS));
    s.setRole(text(s.getRole(), MAX_TEXT_CHARS));
    s.setSystem(text(s.getSystem(), MAX_TEXT_CHARS));
    s.setIdentity(text(s.getIdentity(), MAX_TEXT_CHARS));
    s.setStepId(text(s.getStepId(), MAX_TEXT_CHARS));
    s.setRuleId(text(s.getRuleId(), MAX_TEXT_CHARS));
    s.setDetail(text(s.getDetail(), MAX_TEXT_CHARS));
    s.setCompletedBy(text(s.getCompletedBy(), MAX_TEXT_CHARS));
    s.setLastActivityEventId(text(s.getLastActivityEventId(), MAX_TEXT_CHARS));
    s.setEvidenceEventIds(
        ids(s.getEvidenceEventIds() == null ? List.of() : s.getEvidenceEventIds()));
    return s;
  }

  /**
   * At most {@code max} characters: a longer text keeps its start and ends with "…[N more chars]",
   * the whole within {@code max}; a surrogate pair is never split.
   */
  static String text(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    String marker = "…[" + s.length() + " chars, cut]";
    int keep = max - marker.length();
    if (Character.isHighSurrogate(s.charAt(keep - 1))) {
      keep--;
    }
    return s.substring(0, keep) + marker;
  }

  private static List<String> ids(List<String> ids) {
    if (ids.size() <= MAX_EVENT_IDS && ids.stream().allMatch(FindingBounds::shortId)) {
      return ids;
    }
    List<String> out = new ArrayList<>(Math.min(ids.size(), MAX_EVENT_IDS));
    for (String id : ids) {
      if (out.size() == MAX_EVENT_IDS) {
        break;
      }
      out.add(text(id, MAX_EVENT_ID_CHARS));
    }
    return out;
  }

  private static boolean shortId(String id) {
    return id == null || id.length() <= MAX_EVENT_ID_CHARS;
  }

  /** The details, keys and values cut, at most {@link #MAX_DETAILS} (plus the two markers). */
  private static Map<String, String> details(Map<String, String> details) {
    Map<String, String> out = new LinkedHashMap<>();
    if (details == null) {
      return out;
    }
    int omitted = 0;
    for (Map.Entry<String, String> e : details.entrySet()) {
      if (out.size() == MAX_DETAILS) {
        omitted++;
        continue;
      }
      out.put(text(e.getKey(), MAX_DETAIL_KEY_CHARS), text(e.getValue(), MAX_DETAIL_VALUE_CHARS));
    }
    if (omitted > 0) {
      out.put(DETAILS_OMITTED, Integer.toString(omitted));
    }
    return out;
  }

  static long utf8Length(String s) {
    if (s == null) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
