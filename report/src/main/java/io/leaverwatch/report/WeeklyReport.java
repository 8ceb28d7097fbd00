package io.leaverwatch.report;

import io.leaverwatch.core.people.InputFileException;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.schema.Departure;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report from its inputs, in one call: read (files or Elasticsearch), compute, write. What the
 * command line and the demo call.
 */
public final class WeeklyReport {
  private WeeklyReport() {}

  /** Where findings and step statuses come from: NDJSON files, or the indices of a cluster. */
  public sealed interface Source permits Files, Elasticsearch {}

  public record Files(Path findings, Path steps) implements Source {}

  public record Elasticsearch(ElasticsearchSource client, String url) implements Source {}

  /** Reads, computes and writes; returns the SHA-256 of each file written but the manifest. */
  public static Map<String, String> write(
      ReportPeriod period,
      Source source,
      Path departures,
      Path exceptions,
      Instant generatedAt,
      Path outDir) {
    List<ReportWriter.Input> inputs = new ArrayList<>();
    List<FindingRow> findings;
    List<StepRow> steps;
    if (source instanceof Files f) {
      findings = ReportFiles.readFindings(f.findings());
      steps = ReportFiles.readSteps(f.steps());
      inputs.add(fileInput("findings", f.findings(), findings.size()));
      inputs.add(fileInput("steps", f.steps(), steps.size()));
    } else {
      Elasticsearch es = (Elasticsearch) source;
      findings = es.client().findings();
      steps = es.client().steps();
      inputs.add(
          new ReportWriter.Input(
              "findings", es.url() + "/" + es.client().findingsIndex(), null, findings.size()));
      inputs.add(
          new ReportWriter.Input(
              "steps", es.url() + "/" + es.client().stepsIndex(), null, steps.size()));
    }
    List<Departure> deps = readDepartures(departures);
    inputs.add(fileInput("departures", departures, deps.size()));
    List<ExceptionRow> excs = List.of();
    if (exceptions != null) {
      excs = ReportFiles.readExceptions(exceptions);
      inputs.add(fileInput("exceptions", exceptions, excs.size()));
    }
    List<String> sources = inputs.stream().map(i -> i.kind() + " " + i.location()).toList();
    ReportModel model =
        ReportModel.compute(
            new ReportInputs(period, generatedAt, deps, findings, steps, excs, sources));
    return ReportWriter.write(model, inputs, outDir);
  }

  public static List<Departure> readDepartures(Path file) {
    try {
      return PeopleFiles.readDepartures(file);
    } catch (InputFileException e) {
      throw new ReportInputException(e.getMessage(), e);
    }
  }

  /**
   * The ISO week with the most departures (the earliest of equals): the week worth a demo report.
   * Empty list: the week of {@code fallback}.
   */
  public static ReportPeriod busiestWeek(List<Departure> departures, Instant fallback) {
    Map<String, Integer> perWeek = new TreeMap<>();
    for (Departure d : departures) {
      perWeek.merge(ReportPeriod.isoWeekOf(d.getDepartedAt()), 1, Integer::sum);
    }
    String week =
        perWeek.entrySet().stream()
            .max(
                Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                    .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
            .map(Map.Entry::getKey)
            .orElse(ReportPeriod.isoWeekOf(fallback));
    return ReportPeriod.ofIsoWeek(week);
  }

  private static ReportWriter.Input fileInput(String kind, Path file, int records) {
    return new ReportWriter.Input(kind, file.toString(), ReportWriter.sha256(file), records);
  }
}
