package io.leaverwatch.report;

import io.leaverwatch.report.ReportModel.DepartureBlock;
import io.leaverwatch.report.ReportModel.FindingView;
import io.leaverwatch.report.ReportModel.PopulationEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * departures.csv and findings.csv (RFC 4180, CRLF, UTF-8). A text cell a spreadsheet would run as a
 * formula ({@code =}, {@code +}, {@code -}, {@code @}, tab, CR) is prefixed with {@code '}: logins
 * and summaries come from audit logs an attacker can write to.
 */
public final class CsvWriters {
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

  private CsvWriters() {}

  static final List<String> DEPARTURE_COLUMNS =
      List.of(
          "person_id",
          "email",
          "role",
          "departed_at",
          "in_report",
          "why_not",
          "system",
          "identity",
          "step_id",
          "deadline",
          "completed_at",
          "completed_by",
          "completed_by_automation",
          "time_to_revoke",
          "time_to_revoke_ms",
          "status",
          "evidence_event_ids",
          "last_activity_at",
          "activity_after_revocation");

  /** One row per departure of the period and required step; a departure without steps, one row. */
  public static String departures(ReportModel m) {
    Map<String, DepartureBlock> blocks =
        m.departures().stream()
            .collect(Collectors.toMap(DepartureBlock::personId, Function.identity()));
    StringBuilder b = new StringBuilder();
    row(b, DEPARTURE_COLUMNS);
    for (PopulationEntry p : m.population()) {
      DepartureBlock d = blocks.get(p.personId());
      List<String> person =
          List.of(
              s(p.personId()),
              s(p.email()),
              s(p.role()),
              t(p.departedAt()),
              p.reconciliation().name(),
              s(p.why()));
      if (d == null || d.steps().isEmpty()) {
        List<String> cells = new ArrayList<>(person);
        while (cells.size() < DEPARTURE_COLUMNS.size()) {
          cells.add("");
        }
        row(b, cells);
        continue;
      }
      for (StepRow st : d.steps()) {
        List<String> cells = new ArrayList<>(person);
        cells.addAll(
            Arrays.asList(
                s(st.system()),
                s(st.identity()),
                s(st.stepId()),
                t(st.deadline()),
                t(st.completedAt()),
                s(st.completedBy()),
                st.completedByAutomation() == null ? "" : st.completedByAutomation().toString(),
                st.isDone() ? Text.duration(ReportModel.timeToRevokeMs(st)) : "",
                st.isDone() ? Long.toString(ReportModel.timeToRevokeMs(st)) : "",
                s(st.status()),
                String.join(" ", st.evidenceEventIds()),
                t(st.lastActivityAt()),
                st.isDone() ? Boolean.toString(st.activityAfterRevocation()) : ""));
        row(b, cells);
      }
    }
    return b.toString();
  }

  static final List<String> FINDING_COLUMNS =
      List.of(
          "finding_id",
          "person_id",
          "email",
          "type",
          "severity",
          "source",
          "identity",
          "action",
          "first_seen",
          "last_seen",
          "event_count",
          "status",
          "resolved_at",
          "resolution",
          "exception",
          "exception_approver",
          "exception_approved_at",
          "exception_justification",
          "summary");

  /** Every finding of the reported departures, with its status and its exception. */
  public static String findings(ReportModel m) {
    StringBuilder b = new StringBuilder();
    row(b, FINDING_COLUMNS);
    for (DepartureBlock d : m.departures()) {
      for (FindingView v : d.findings()) {
        FindingRow f = v.finding();
        ExceptionRow x = v.exception();
        row(
            b,
            Arrays.asList(
                s(f.findingId()),
                s(f.personId()),
                s(f.email()),
                s(f.type()),
                s(f.severity()),
                s(f.source()),
                s(f.identity()),
                s(f.action()),
                t(f.firstSeen()),
                t(f.lastSeen()),
                Long.toString(f.eventCount()),
                s(f.status()),
                t(f.resolvedAt()),
                s(f.resolution()),
                x == null ? "OPEN" : "ACCEPTED",
                x == null ? "" : s(x.approver()),
                x == null ? "" : t(x.approvedAt()),
                x == null ? "" : s(x.justification()),
                s(f.summary())));
      }
    }
    return b.toString();
  }

  private static String s(String v) {
    return v == null ? "" : v;
  }

  private static String t(Instant v) {
    return v == null ? "" : v.toString();
  }

  private static void row(StringBuilder b, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(cell(cells.get(i)));
    }
    b.append("\r\n");
  }

  static String cell(String v) {
    String c = v;
    if (!c.isEmpty() && "=+-@\t\r".indexOf(c.charAt(0)) >= 0 && !NUMBER.matcher(c).matches()) {
      c = "'" + c;
    }
    if (c.indexOf(',') >= 0
        || c.indexOf('"') >= 0
        || c.indexOf('\n') >= 0
        || c.indexOf('\r') >= 0
        || c.startsWith(" ")
        || c.endsWith(" ")) {
      return '"' + c.replace("\"", "\"\"") + '"';
    }
    return c;
  }
}
