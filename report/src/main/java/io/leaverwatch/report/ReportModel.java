package io.leaverwatch.report;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every figure and row of the weekly compliance report, computed from its inputs and nothing else
 * (no I/O, no clock): the HTML, the PDF and the CSVs only lay this out.
 *
 * <p>Definitions the report states: the population is HR's departures with {@code departed_at} in
 * the period; a step is due once its deadline has passed when it was evaluated (any status but
 * PENDING); SLA met % is on-time steps over due steps; time to revoke is {@code completed_at -
 * departed_at}, a revocation before the departure counting as 0; the median of an even count is the
 * mean of the two middle values; p95 is the nearest-rank value (the ⌈0.95·n⌉-th smallest). Findings
 * and step statuses count at their newest revision only.
 */
public record ReportModel(
    ReportPeriod period,
    Instant generatedAt,
    List<String> sources,
    List<PopulationEntry> population,
    Headline headline,
    List<SystemTimes> systems,
    List<WeekTrend> trend,
    List<DepartureBlock> departures,
    List<ExceptionView> accepted,
    List<FindingRow> openExceptions,
    List<ExceptionRow> unmatchedExceptions) {

  public static final int TREND_WEEKS = 8;

  /** How an HR departure of the period appears in the report. */
  public enum Reconciliation {
    REPORTED,
    MISSING,
    RESCINDED
  }

  public record PopulationEntry(
      String personId,
      String email,
      String role,
      Instant departedAt,
      Reconciliation reconciliation,
      String why) {}

  public record Headline(
      int population,
      int reported,
      int missingFromReport,
      int stepsDue,
      int onTime,
      int late,
      int missing,
      int failed,
      int pending,
      Double slaMetPct,
      int openRetainedAccess,
      int postDepartureActivityFindings,
      long postDepartureActivityEvents,
      int postDepartureActivityPeople,
      int findings,
      int exceptionsApproved,
      int exceptionsOpen) {}

  /** Time to revoke on one system: the completed steps' times and the due steps' outcomes. */
  public record SystemTimes(
      String system,
      int due,
      int onTime,
      int late,
      int notDone,
      Double slaMetPct,
      Long medianMs,
      Long p95Ms,
      long slaMs,
      List<Long> timesMs) {}

  public record WeekTrend(String week, int due, int onTime, Double slaMetPct) {}

  public record DepartureBlock(
      String personId,
      String email,
      String role,
      Instant departedAt,
      List<StepRow> steps,
      List<FindingView> findings) {

    /** True when no step shows activity after its revocation and no activity finding exists. */
    public boolean quietAfterRevocation() {
      return steps.stream().noneMatch(StepRow::activityAfterRevocation)
          && findings.stream().noneMatch(f -> isActivity(f.finding()));
    }
  }

  public record FindingView(FindingRow finding, ExceptionRow exception) {}

  public record ExceptionView(ExceptionRow exception, FindingRow finding) {}

  static boolean isActivity(FindingRow f) {
    return "POST_DEPARTURE_ACTIVITY".equals(f.type()) || "KNOWN_IP_ACCESS_ATTEMPT".equals(f.type());
  }

  public static ReportModel compute(ReportInputs in) {
    ReportPeriod period = in.period();
    Map<String, StepRow> steps = newestSteps(in.steps());
    Map<String, FindingRow> findings = newestFindings(in.findings());
    Map<String, List<StepRow>> stepsByPerson =
        steps.values().stream().collect(Collectors.groupingBy(StepRow::personId));
    Map<String, List<FindingRow>> findingsByPerson =
        findings.values().stream().collect(Collectors.groupingBy(FindingRow::personId));

    // HR's list is a changelog: the last record of a person is their departure
    Map<String, Departure> hr = new LinkedHashMap<>();
    for (Departure d : in.departures()) {
      hr.put(d.getPersonId(), d);
    }
    List<Departure> inPeriod =
        hr.values().stream()
            .filter(d -> period.contains(d.getDepartedAt()))
            .sorted(
                Comparator.comparing(Departure::getDepartedAt)
                    .thenComparing(Departure::getPersonId))
            .toList();

    List<PopulationEntry> population = new ArrayList<>();
    List<DepartureBlock> blocks = new ArrayList<>();
    for (Departure d : inPeriod) {
      List<StepRow> mine = stepsByPerson.getOrDefault(d.getPersonId(), List.of());
      if (d.getStatus() == DepartureStatus.RESCINDED) {
        population.add(
            entry(
                d,
                Reconciliation.RESCINDED,
                "the departure was rescinded (rehire or cancelled exit): no offboarding is due"));
      } else if (mine.isEmpty()) {
        population.add(
            entry(
                d,
                Reconciliation.MISSING,
                "no step status in the detection output: no identity of this person is known on"
                    + " any system of the role's baseline, or the run did not include this"
                    + " departure"));
      } else {
        population.add(entry(d, Reconciliation.REPORTED, null));
        blocks.add(block(d, mine, findingsByPerson.getOrDefault(d.getPersonId(), List.of()), in));
      }
    }
    for (Map.Entry<String, List<StepRow>> e : new TreeMap<>(stepsByPerson).entrySet()) {
      StepRow first = e.getValue().get(0);
      if (!hr.containsKey(e.getKey()) && period.contains(first.departedAt())) {
        population.add(
            new PopulationEntry(
                e.getKey(),
                first.email(),
                first.role(),
                first.departedAt(),
                Reconciliation.MISSING,
                "in the detection output but not in HR's departures file: check HR's list"));
      }
    }

    List<StepRow> reportedSteps = blocks.stream().flatMap(b -> b.steps().stream()).toList();
    List<FindingView> reportedFindings =
        blocks.stream().flatMap(b -> b.findings().stream()).toList();

    List<ExceptionView> accepted = new ArrayList<>();
    List<FindingRow> open = new ArrayList<>();
    for (FindingView v : reportedFindings) {
      if (v.exception() != null) {
        accepted.add(new ExceptionView(v.exception(), v.finding()));
      } else {
        open.add(v.finding());
      }
    }
    Set<ExceptionRow> used =
        accepted.stream().map(ExceptionView::exception).collect(Collectors.toSet());
    List<ExceptionRow> unmatched = in.exceptions().stream().filter(x -> !used.contains(x)).toList();

    return new ReportModel(
        period,
        in.generatedAt(),
        in.sources(),
        population,
        headline(population, reportedSteps, reportedFindings, accepted.size(), open.size()),
        systems(reportedSteps),
        trend(period, steps.values(), hr),
        blocks,
        accepted,
        open,
        unmatched);
  }

  private static PopulationEntry entry(Departure d, Reconciliation r, String why) {
    return new PopulationEntry(
        d.getPersonId(), d.getEmail(), d.getRole(), d.getDepartedAt(), r, why);
  }

  private static DepartureBlock block(
      Departure d, List<StepRow> steps, List<FindingRow> findings, ReportInputs in) {
    List<StepRow> sorted =
        steps.stream()
            .sorted(Comparator.comparing(StepRow::system).thenComparing(StepRow::stepId))
            .toList();
    List<FindingView> views =
        findings.stream()
            .sorted(
                Comparator.comparing(FindingRow::firstSeen).thenComparing(FindingRow::findingId))
            .map(f -> new FindingView(f, exceptionFor(f, in.exceptions())))
            .toList();
    return new DepartureBlock(
        d.getPersonId(), d.getEmail(), d.getRole(), d.getDepartedAt(), sorted, views);
  }

  private static ExceptionRow exceptionFor(FindingRow f, List<ExceptionRow> exceptions) {
    // an exception naming the finding itself wins over one for the person's step
    ExceptionRow byStep = null;
    for (ExceptionRow x : exceptions) {
      if (x.findingId() != null && x.covers(f)) {
        return x;
      }
      if (byStep == null && x.findingId() == null && x.covers(f)) {
        byStep = x;
      }
    }
    return byStep;
  }

  private static Headline headline(
      List<PopulationEntry> population,
      List<StepRow> steps,
      List<FindingView> findings,
      int approved,
      int open) {
    int onTime = count(steps, "ON_TIME");
    int late = count(steps, "LATE");
    int missing = count(steps, "MISSING");
    int failed = count(steps, "FAILED");
    int pending = count(steps, "PENDING");
    int due = onTime + late + missing + failed;
    List<FindingRow> fs = findings.stream().map(FindingView::finding).toList();
    List<FindingRow> activity =
        fs.stream().filter(f -> "POST_DEPARTURE_ACTIVITY".equals(f.type())).toList();
    return new Headline(
        population.size(),
        (int)
            population.stream().filter(p -> p.reconciliation() == Reconciliation.REPORTED).count(),
        (int) population.stream().filter(p -> p.reconciliation() == Reconciliation.MISSING).count(),
        due,
        onTime,
        late,
        missing,
        failed,
        pending,
        pct(onTime, due),
        (int) fs.stream().filter(f -> "RETAINED_ACCESS".equals(f.type()) && f.isOpen()).count(),
        activity.size(),
        activity.stream().mapToLong(FindingRow::eventCount).sum(),
        (int) activity.stream().map(FindingRow::personId).distinct().count(),
        fs.size(),
        approved,
        open);
  }

  private static List<SystemTimes> systems(List<StepRow> steps) {
    Map<String, List<StepRow>> bySystem = new TreeMap<>();
    for (StepRow s : steps) {
      bySystem.computeIfAbsent(s.system(), k -> new ArrayList<>()).add(s);
    }
    List<SystemTimes> out = new ArrayList<>();
    for (Map.Entry<String, List<StepRow>> e : bySystem.entrySet()) {
      List<StepRow> ss = e.getValue();
      List<Long> times =
          ss.stream().filter(StepRow::isDone).map(ReportModel::timeToRevokeMs).sorted().toList();
      int onTime = count(ss, "ON_TIME");
      int late = count(ss, "LATE");
      int notDone = count(ss, "MISSING") + count(ss, "FAILED");
      int due = onTime + late + notDone;
      out.add(
          new SystemTimes(
              e.getKey(),
              due,
              onTime,
              late,
              notDone,
              pct(onTime, due),
              median(times),
              p95(times),
              commonSla(ss),
              times));
    }
    return out;
  }

  private static List<WeekTrend> trend(
      ReportPeriod period, Iterable<StepRow> all, Map<String, Departure> hr) {
    List<WeekTrend> out = new ArrayList<>();
    for (ReportPeriod week : period.trailingWeeks(TREND_WEEKS)) {
      int due = 0;
      int onTime = 0;
      for (StepRow s : all) {
        Departure d = hr.get(s.personId());
        if (d != null && d.getStatus() == DepartureStatus.RESCINDED) {
          continue;
        }
        if (week.contains(s.departedAt()) && s.isDue()) {
          due++;
          if ("ON_TIME".equals(s.status())) {
            onTime++;
          }
        }
      }
      out.add(new WeekTrend(week.label(), due, onTime, pct(onTime, due)));
    }
    return out;
  }

  /** Time to revoke, a revocation before the departure counting as 0. */
  public static long timeToRevokeMs(StepRow s) {
    long t =
        s.timeToRevokeMs() != null
            ? s.timeToRevokeMs()
            : Duration.between(s.departedAt(), s.completedAt()).toMillis();
    return Math.max(0, t);
  }

  private static long commonSla(List<StepRow> steps) {
    Map<Long, Integer> n = new HashMap<>();
    for (StepRow s : steps) {
      n.merge(s.sla().toMillis(), 1, Integer::sum);
    }
    return n.entrySet().stream()
        .max(Map.Entry.<Long, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .orElse(0L);
  }

  static Long median(List<Long> sorted) {
    int n = sorted.size();
    if (n == 0) {
      return null;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static Long p95(List<Long> sorted) {
    int n = sorted.size();
    if (n == 0) {
      return null;
    }
    int rank = (int) Math.ceil(0.95 * n);
    return sorted.get(Math.max(1, rank) - 1);
  }

  private static Double pct(int part, int whole) {
    return whole == 0 ? null : 100.0 * part / whole;
  }

  private static int count(List<StepRow> steps, String status) {
    return (int) steps.stream().filter(s -> status.equals(s.status())).count();
  }

  private static Map<String, StepRow> newestSteps(List<StepRow> rows) {
    Map<String, StepRow> out = new HashMap<>();
    for (StepRow r : rows) {
      out.merge(r.statusId(), r, (a, b) -> b.revision() >= a.revision() ? b : a);
    }
    return out;
  }

  private static Map<String, FindingRow> newestFindings(List<FindingRow> rows) {
    Map<String, FindingRow> out = new HashMap<>();
    for (FindingRow r : rows) {
      out.merge(r.findingId(), r, (a, b) -> b.revision() >= a.revision() ? b : a);
    }
    return out;
  }
}
