package io.leaverwatch.testkit.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An incident event's time, {@code anchor ± term ± ...}: the anchor is {@code incident_hour},
 * {@code notice_hour}, {@code departed} or {@code previous}; a term is a duration ({@code 2h},
 * {@code 5m}, {@code 20s}, {@code 1ms}) or {@code rand(N, UNIT)}. Random terms are drawn left to
 * right: the generator's random sequence depends on it. An {@code every} expression has no anchor.
 */
record ClockExpression(Anchor anchor, List<Term> terms, String text) {

  enum Anchor {
    INCIDENT_HOUR,
    NOTICE_HOUR,
    DEPARTED,
    PREVIOUS
  }

  /** {@code sign × (fixed + rand(bound) × unit)}; {@code bound} 0 for a fixed duration. */
  record Term(int sign, long fixed, int bound, long unit) {}

  /** What an anchor resolves to, drawing from the generator's random sequence where it must. */
  interface Anchors {
    long at(Anchor a);
  }

  private static final Pattern TOKEN =
      Pattern.compile(
          "\\s*(?:(?<rand>rand\\(\\s*(?<n>\\d+)\\s*,\\s*(?<un>\\d+)(?<uu>ms|s|m|h)\\s*\\))"
              + "|(?<dur>(?<dn>\\d+)(?<du>ms|s|m|h))|(?<word>[a-z_]+)|(?<op>[+-]))\\s*");

  /**
   * Parses {@code text}; with {@code anchored} it must start with an anchor, else with a term.
   *
   * @throws IllegalArgumentException with the reason
   */
  static ClockExpression parse(String text, boolean anchored) {
    Matcher m = TOKEN.matcher(text);
    int pos = 0;
    Anchor anchor = null;
    List<Term> terms = new ArrayList<>();
    int sign = 1;
    boolean wantTerm = true;
    while (pos < text.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException(
            "cannot read '" + text.substring(pos).strip() + "' in '" + text + "'");
      }
      pos = m.end();
      if (m.group("op") != null) {
        if (wantTerm) {
          throw new IllegalArgumentException("a term is missing before '" + m.group("op") + "'");
        }
        sign = m.group("op").equals("-") ? -1 : 1;
        wantTerm = true;
        continue;
      }
      if (!wantTerm) {
        throw new IllegalArgumentException("'+' or '-' is missing in '" + text + "'");
      }
      wantTerm = false;
      if (m.group("word") != null) {
        String w = m.group("word");
        if (!anchored || anchor != null || !terms.isEmpty()) {
          throw new IllegalArgumentException(
              "'" + w + "' can only start the expression" + (anchored ? "" : " of an 'at'"));
        }
        try {
          anchor = Anchor.valueOf(w.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "unknown anchor '" + w + "'; known: incident_hour, notice_hour, departed, previous");
        }
      } else if (anchored && anchor == null) {
        throw new IllegalArgumentException(
            "must start with incident_hour, notice_hour, departed or previous");
      } else if (m.group("rand") != null) {
        int n = Integer.parseInt(m.group("n"));
        if (n < 1) {
          throw new IllegalArgumentException("rand(N, UNIT) needs N >= 1");
        }
        terms.add(new Term(sign, 0, n, Long.parseLong(m.group("un")) * unit(m.group("uu"))));
      } else {
        terms.add(new Term(sign, Long.parseLong(m.group("dn")) * unit(m.group("du")), 0, 0));
      }
    }
    if (wantTerm) {
      throw new IllegalArgumentException(text.isBlank() ? "is empty" : "ends with an operator");
    }
    return new ClockExpression(anchor, List.copyOf(terms), text);
  }

  private static long unit(String u) {
    return switch (u) {
      case "ms" -> 1L;
      case "s" -> OrgGenerator.SECOND;
      case "m" -> OrgGenerator.MINUTE;
      default -> OrgGenerator.HOUR;
    };
  }

  /** The anchor (if any) plus the terms, drawn left to right from {@code rng}. */
  long evaluate(Anchors anchors, SplittableRandom rng) {
    long t = anchor == null ? 0 : anchors.at(anchor);
    for (Term term : terms) {
      long v = term.bound == 0 ? term.fixed : rng.nextInt(term.bound) * term.unit;
      t += term.sign * v;
    }
    return t;
  }
}
