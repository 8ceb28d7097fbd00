package io.leaverwatch.report;

import static io.leaverwatch.report.Text.esc;

import io.leaverwatch.report.ReportModel.SystemTimes;
import io.leaverwatch.report.ReportModel.WeekTrend;
import java.util.List;
import java.util.Locale;

/**
 * The report's two charts as inline SVG (no script, no external resource): both the browser and the
 * PDF renderer draw them from the same markup.
 */
final class SvgCharts {
  private static final long MIN = 60_000L;
  private static final long[] TICKS = {
    0,
    MIN,
    5 * MIN,
    15 * MIN,
    60 * MIN,
    4 * 60 * MIN,
    12 * 60 * MIN,
    24 * 60 * MIN,
    3 * 24 * 60 * MIN,
    7 * 24 * 60 * MIN,
    30 * 24 * 60 * MIN
  };
  private static final int WIDTH = 700;
  private static final int LEFT = 90;
  private static final int RIGHT = 20;

  private SvgCharts() {}

  /**
   * One row per system: each completed step's time to revoke as a dot, the median and p95 as ticks,
   * the SLA as a dashed line. The axis is logarithmic in minutes (most revocations take minutes, a
   * late one days: on a linear axis the minutes would be one dot).
   */
  static String timeToRevoke(List<SystemTimes> systems) {
    long max = MIN;
    for (SystemTimes s : systems) {
      for (long t : s.timesMs()) {
        max = Math.max(max, t);
      }
      max = Math.max(max, s.slaMs());
    }
    max = (long) (max * 1.15);
    int row = 44;
    int top = 10;
    int height = top + row * systems.size() + 50;
    StringBuilder b = new StringBuilder();
    b.append(open(height, "Time to revoke per system"));
    int plotRight = WIDTH - RIGHT;
    for (long t : TICKS) {
      if (t > max) {
        break;
      }
      double x = x(t, max);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d0d4da\""
                  + " stroke-width=\"1\"/>",
              x,
              top,
              x,
              top + row * systems.size()));
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
                  + " fill=\"#444\">%s</text>",
              x,
              top + row * systems.size() + 14,
              esc(t == 0 ? "0" : Text.duration(t))));
    }
    for (int i = 0; i < systems.size(); i++) {
      SystemTimes s = systems.get(i);
      int y = top + i * row + row / 2;
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
              LEFT,
              y - 14,
              plotRight - LEFT,
              28,
              i % 2 == 0 ? "#f4f6f8" : "#ffffff"));
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\" fill=\"#111\">%s</text>",
              LEFT - 8,
              y + 4,
              esc(s.system())));
      double sla = x(s.slaMs(), max);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c0392b\""
                  + " stroke-width=\"1.5\" stroke-dasharray=\"4,3\"/>",
              sla,
              y - 16,
              sla,
              y + 16));
      for (long t : s.timesMs()) {
        b.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\" fill-opacity=\"0.6\"/>",
                x(t, max),
                y,
                t <= s.slaMs() ? "#2c6fbb" : "#c0392b"));
      }
      if (s.medianMs() != null) {
        b.append(tick(x(s.medianMs(), max), y, "#111"));
      }
      if (s.p95Ms() != null) {
        b.append(tick(x(s.p95Ms(), max), y, "#e67e22"));
      }
      if (s.timesMs().isEmpty()) {
        b.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#666\">no completed step</text>",
                LEFT + 8,
                y + 4));
      }
    }
    int ly = top + row * systems.size() + 34;
    b.append(legendDot(LEFT, ly, "#2c6fbb", "within SLA"));
    b.append(legendDot(LEFT + 100, ly, "#c0392b", "after SLA"));
    b.append(legendTick(LEFT + 200, ly, "#111", "median"));
    b.append(legendTick(LEFT + 280, ly, "#e67e22", "p95"));
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c0392b\" stroke-width=\"1.5\""
                + " stroke-dasharray=\"4,3\"/><text x=\"%d\" y=\"%d\" font-size=\"11\""
                + " fill=\"#333\">SLA</text>",
            LEFT + 345,
            ly - 7,
            LEFT + 345,
            ly + 5,
            LEFT + 352,
            ly + 3));
    b.append("</svg>");
    return b.toString();
  }

  /** SLA met % per ISO week, a bar per week; a week without due steps says so. */
  static String slaTrend(List<WeekTrend> weeks) {
    int height = 190;
    int top = 14;
    int plotH = 120;
    int base = top + plotH;
    StringBuilder b = new StringBuilder();
    b.append(open(height, "SLA met per week, last " + weeks.size() + " weeks"));
    for (int pct : new int[] {0, 50, 100}) {
      int y = base - plotH * pct / 100;
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d0d4da\" stroke-width=\"1\"/>"
                  + "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\""
                  + " fill=\"#444\">%d %%</text>",
              LEFT,
              y,
              WIDTH - RIGHT,
              y,
              LEFT - 6,
              y + 3,
              pct));
    }
    int slot = (WIDTH - RIGHT - LEFT) / Math.max(1, weeks.size());
    for (int i = 0; i < weeks.size(); i++) {
      WeekTrend w = weeks.get(i);
      int cx = LEFT + slot * i + slot / 2;
      if (w.slaMetPct() == null) {
        b.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
                    + " fill=\"#888\">no data</text>",
                cx,
                base - 6));
      } else {
        int h = (int) Math.round(plotH * w.slaMetPct() / 100.0);
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
                    + " fill=\"#111\">%s</text>",
                cx - slot / 3,
                base - h,
                2 * (slot / 3),
                Math.max(h, 1),
                w.slaMetPct() >= 95 ? "#2e8b57" : w.slaMetPct() >= 80 ? "#e6a23c" : "#c0392b",
                cx,
                base - h - 4,
                esc(String.format(Locale.ROOT, "%.0f %%", w.slaMetPct()))));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
                  + " fill=\"#333\">%s</text><text x=\"%d\" y=\"%d\" font-size=\"9\""
                  + " text-anchor=\"middle\" fill=\"#666\">%s</text>",
              cx,
              base + 16,
              esc(w.week()),
              cx,
              base + 29,
              esc(w.due() == 0 ? "" : w.onTime() + "/" + w.due() + " steps")));
    }
    b.append("</svg>");
    return b.toString();
  }

  private static String open(int height, String title) {
    return String.format(
        Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " role=\"img\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"><title>%s</title>",
        WIDTH,
        height,
        WIDTH,
        height,
        esc(title));
  }

  private static double x(long t, long max) {
    double span = WIDTH - RIGHT - LEFT - 10;
    return LEFT
        + 5
        + span * Math.log1p(Math.max(0, t) / (double) MIN) / Math.log1p(max / (double) MIN);
  }

  private static String tick(double x, int y, String colour) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/>",
        x,
        y - 11,
        x,
        y + 11,
        colour);
  }

  private static String legendDot(int x, int y, String colour, String label) {
    return String.format(
        Locale.ROOT,
        "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\" fill-opacity=\"0.6\"/><text x=\"%d\""
            + " y=\"%d\" font-size=\"11\" fill=\"#333\">%s</text>",
        x + 4,
        y - 1,
        colour,
        x + 12,
        y + 3,
        esc(label));
  }

  private static String legendTick(int x, int y, String colour, String label) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/><text"
            + " x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#333\">%s</text>",
        x + 4,
        y - 7,
        x + 4,
        y + 5,
        colour,
        x + 12,
        y + 3,
        esc(label));
  }
}
