package io.leaverwatch.cli;

import io.leaverwatch.testkit.generate.GenerationSummary;
import io.leaverwatch.testkit.generate.GeneratorConfig;
import io.leaverwatch.testkit.generate.OrgGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch generate}: a synthetic organisation with injected offboarding incidents. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a synthetic organisation's Okta, GitHub and CloudTrail (with DynamoDB data events)",
      "audit logs in their native formats, its departures, identities and daily access",
      "snapshots, injected incidents of every finding type and ground-truth.ndjson.",
      "The same arguments give byte-identical output."
    })
public final class GenerateCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--people", required = true, paramLabel = "N", description = "people (>= 20)")
  int people;

  @Option(names = "--days", required = true, paramLabel = "D", description = "days (>= 5)")
  int days;

  @Option(
      names = "--departures",
      required = true,
      paramLabel = "K",
      description = "departures (60 or more place every incident kind twice)")
  int departures;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "random seed")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
  Path out;

  @Option(
      names = "--start",
      paramLabel = "ISO",
      description = "first day, a UTC midnight (default: ${DEFAULT-VALUE})",
      defaultValue = "2026-10-01T00:00:00Z")
  String start;

  @Option(
      names = "--events-per-day",
      paramLabel = "E",
      description = "average events per person on a working day (default: ${DEFAULT-VALUE})",
      defaultValue = "8")
  int eventsPerDay;

  @Option(
      names = "--domain",
      paramLabel = "DNS",
      description = "email domain (default: ${DEFAULT-VALUE})",
      defaultValue = "corp.example.com")
  String domain;

  @Override
  public Integer call() throws IOException {
    Instant startAt;
    try {
      startAt = Instant.parse(start);
    } catch (DateTimeParseException e) {
      throw new UsageException("--start: not an ISO-8601 instant: " + start);
    }
    GeneratorConfig cfg;
    try {
      cfg = new GeneratorConfig(people, days, departures, seed, startAt, eventsPerDay, domain, out);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out: not a folder: " + out);
    }
    if (Files.isDirectory(out)) {
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new UsageException(
              "--out: folder is not empty (refusing to mix two organisations): " + out);
        }
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    GenerationSummary summary;
    try {
      summary =
          new OrgGenerator(
                  cfg,
                  line -> {
                    err.println("generate: " + line);
                    err.flush();
                  })
              .run();
    } catch (IOException e) {
      throw new UsageException("--out: cannot write under " + out + ": " + e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long ctFiles =
        summary.files().keySet().stream().filter(f -> f.startsWith("cloudtrail/")).count();
    long ctRecords =
        summary.files().entrySet().stream()
            .filter(e -> e.getKey().startsWith("cloudtrail/"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    stdout.printf("wrote %s in %.1f s%n", out, seconds);
    for (Map.Entry<String, Long> e : summary.files().entrySet()) {
      if (!e.getKey().startsWith("cloudtrail/")) {
        stdout.printf("  %-40s %,12d%n", e.getKey(), e.getValue());
      }
    }
    stdout.printf(
        "  %-40s %,12d records in %,d files%n",
        "cloudtrail/AWSLogs/.../*.json.gz", ctRecords, ctFiles);
    stdout.printf("  %-40s%n", "manifest.json");
    summary.eventsBySource().forEach((k, v) -> stdout.printf("  events %-33s %,12d%n", k, v));
    stdout.printf("  %-40s %,12d%n", "expected findings", summary.groundTruthFindings());
    if (!summary.skippedIncidents().isEmpty()) {
      stdout.printf(
          "  not enough suitable departures for: %s%n",
          String.join(", ", summary.skippedIncidents()));
    }
    return 0;
  }
}
