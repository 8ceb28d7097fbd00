package io.leaverwatch.cli;

import io.leaverwatch.report.ElasticsearchSource;
import io.leaverwatch.report.ReportInputException;
import io.leaverwatch.report.ReportPeriod;
import io.leaverwatch.report.WeeklyReport;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch report}: the weekly offboarding compliance report. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the offboarding compliance report of a period into DIR: report.html"
          + " (self-contained), report.pdf, departures.csv, findings.csv and manifest.json (SHA-256"
          + " of every file).",
      "Findings and step statuses come from `detect --out F --steps F` files or from"
          + " Elasticsearch (--from-es; API key from LEAVERWATCH_ES_API_KEY).",
      "Exit 0 when written, 2 for a bad period, a missing or unreadable file or an unreachable"
          + " Elasticsearch."
    })
public final class ReportCommand implements Callable<Integer> {
  static final String ENV_API_KEY = "LEAVERWATCH_ES_API_KEY";

  @Spec CommandSpec spec;

  static final class Period {
    @Option(
        names = "--week",
        paramLabel = "YYYY-Www",
        description = "ISO week, UTC (e.g. 2026-W41).")
    String week;

    @ArgGroup(exclusive = false)
    Days days;
  }

  static final class Days {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "YYYY-MM-DD",
        description = "first day, UTC")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "YYYY-MM-DD",
        description = "last day, UTC, included")
    String to;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Period period;

  @Option(
      names = "--findings",
      paramLabel = "FILE",
      description = "Findings NDJSON (detect --out).")
  Path findings;

  @Option(
      names = "--steps",
      paramLabel = "FILE",
      description = "Step statuses NDJSON (detect --steps).")
  Path steps;

  @Option(
      names = "--from-es",
      paramLabel = "URL",
      description = "Read findings and steps from Elasticsearch instead of files.")
  String fromEs;

  @Option(
      names = "--es-index-prefix",
      paramLabel = "PREFIX",
      defaultValue = "leaverwatch",
      description = "Index prefix with --from-es (default: ${DEFAULT-VALUE}).")
  String esPrefix;

  @Option(
      names = "--departures",
      required = true,
      paramLabel = "FILE",
      description = "HR's departures, CSV or NDJSON (the file detect reads).")
  Path departures;

  @Option(
      names = "--exceptions",
      paramLabel = "FILE",
      description =
          "Approved exceptions CSV: finding_id or person_id+step_id, justification, approver,"
              + " approved_at.")
  Path exceptions;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      ReportPeriod p =
          period.week != null
              ? ReportPeriod.ofIsoWeek(period.week)
              : ReportPeriod.ofDays(period.days.from, period.days.to);
      WeeklyReport.Source source = source();
      if (Files.exists(out) && !Files.isDirectory(out)) {
        throw new UsageException("--out: " + out + " is a file, not a folder");
      }
      Map<String, String> written =
          WeeklyReport.write(p, source, departures, exceptions, Instant.now(), out);
      err.printf("report: %s -> %s%n", p.label(), out.toAbsolutePath());
      written.forEach((f, sum) -> err.printf("  %-15s sha256 %s%n", f, sum));
      err.printf("  %-15s (checksums of the files above)%n", "manifest.json");
      err.flush();
      return 0;
    } catch (ReportInputException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private WeeklyReport.Source source() {
    if (fromEs != null) {
      if (findings != null || steps != null) {
        throw new UsageException(
            "--from-es replaces --findings and --steps: give one or the other");
      }
      URI uri;
      try {
        uri = new URI(fromEs.endsWith("/") ? fromEs : fromEs + "/");
      } catch (URISyntaxException e) {
        throw new UsageException("--from-es '" + fromEs + "' is not a URL");
      }
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new UsageException(
            "--from-es '" + fromEs + "' is not an http(s) URL, e.g. http://localhost:9200");
      }
      String key = System.getenv(ENV_API_KEY);
      String auth = key == null || key.isBlank() ? null : "ApiKey " + key.trim();
      String shown = fromEs.endsWith("/") ? fromEs.substring(0, fromEs.length() - 1) : fromEs;
      return new WeeklyReport.Elasticsearch(new ElasticsearchSource(uri, auth, esPrefix), shown);
    }
    if (findings == null || steps == null) {
      throw new UsageException("give --findings FILE and --steps FILE, or --from-es URL");
    }
    return new WeeklyReport.Files(findings, steps);
  }
}
