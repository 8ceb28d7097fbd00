package io.leaverwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.core.people.InputFileException;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.core.read.UnreadableInputException;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.core.rules.RuleSetLoader;
import io.leaverwatch.jobs.bounded.BoundedDetection;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.IdentityLink;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch detect}: the detection job, bounded, over files. */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the detection job bounded on a Flink MiniCluster over audit log files and writes"
          + " findings as NDJSON sorted by finding_id.",
      "Exit 0 when it ran (findings or not), 2 for bad arguments or unreadable inputs."
    })
public final class DetectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "Audit log files or folders (anything `normalize` takes, .gz too).")
  List<Path> events;

  @Option(
      names = "--departures",
      required = true,
      paramLabel = "FILE",
      description = "Departures, CSV or NDJSON: person_id,email,role,notice_at,departed_at,status.")
  Path departures;

  @Option(
      names = "--identities",
      paramLabel = "FILE",
      description = "Identities, CSV or NDJSON: person_id,system,identity.")
  Path identities;

  @Option(
      names = "--access",
      paramLabel = "FILE",
      description = "Access snapshots, NDJSON: person_id or identity, system, grant, observed_at.")
  Path access;

  @Option(
      names = "--rules",
      paramLabel = "DIR",
      description = "Rules directory (default: $LEAVERWATCH_HOME/rules or ./rules).")
  Path rules;

  @Option(
      names = "--as-of",
      paramLabel = "ISO-8601",
      description = "\"Now\" for revocation deadlines (default: the latest event time).")
  String asOf;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Findings NDJSON.")
  Path out;

  @Option(names = "--steps", paramLabel = "FILE", description = "Offboarding step statuses NDJSON.")
  Path steps;

  @Option(
      names = "--dlq",
      paramLabel = "FILE",
      description = "Rejected records with their reasons, NDJSON.")
  Path dlq;

  @Option(
      names = "--model",
      paramLabel = "MODEL_DIR",
      description =
          "ANOMALOUS_ACTIVITY model directory from `train` (default: train on this input first).")
  Path model;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Path rulesDir = rules != null ? rules : RulesDirectory.resolve();
    Long asOfMillis = null;
    if (asOf != null) {
      try {
        asOfMillis = Instant.parse(asOf).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new UsageException("--as-of: '" + asOf + "' is not an ISO-8601 instant");
      }
    }
    if (parallelism < 1 || parallelism > 64) {
      throw new UsageException("--parallelism must be between 1 and 64");
    }
    List<Path> files;
    List<io.leaverwatch.schema.Departure> deps;
    List<IdentityLink> ids = List.of();
    List<AccessGrant> grants = List.of();
    AnomalyStep anomaly;
    try {
      files = RecordReader.expand(events);
      deps = PeopleFiles.readDepartures(departures);
      if (identities != null) {
        ids = PeopleFiles.readIdentities(identities);
      }
      if (access != null) {
        grants = PeopleFiles.readAccess(access);
      }
      RuleSetLoader.load(rulesDir);
      io.leaverwatch.core.normalize.ActionClassifier.load(rulesDir);
      anomaly = AnomalyStep.prepare(model, rulesDir, err);
    } catch (UnreadableInputException | InputFileException | RuleFileException e) {
      throw new UsageException(e.getMessage(), e);
    }
    checkWritable(out, "--out");
    checkWritable(steps, "--steps");
    checkWritable(dlq, "--dlq");
    err.printf(
        "detect: %d file(s), %d departure(s), %d identit(ies), %d grant(s); rules %s%n",
        files.size(), deps.size(), ids.size(), grants.size(), rulesDir);
    err.flush();
    long start = System.nanoTime();
    BoundedDetection.run(
        new BoundedDetection.Request(
            events,
            deps,
            ids,
            List.of(),
            rulesDir,
            asOfMillis,
            out,
            steps,
            dlq,
            parallelism,
            access));
    if (anomaly != null) {
      anomaly.appendTo(out, events, deps, ids, err);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    printSummary(err, secs);
    return 0;
  }

  private void printSummary(PrintWriter err, double secs) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Integer> byType = new TreeMap<>();
    Map<String, Integer> bySeverity = new TreeMap<>();
    List<String> lines = Files.readAllLines(out);
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      byType.merge(n.path("type").asText(), 1, Integer::sum);
      bySeverity.merge(n.path("severity").asText(), 1, Integer::sum);
    }
    err.printf("detect: %d finding(s) in %.1f s -> %s%n", lines.size(), secs, out);
    byType.forEach((k, v) -> err.printf("  %-36s %6d%n", k, v));
    err.printf("  by severity: %s%n", bySeverity);
    if (dlq != null && Files.exists(dlq)) {
      err.printf("  dead letters: %d -> %s%n", Files.readAllLines(dlq).size(), dlq);
    }
    err.flush();
  }

  private static void checkWritable(Path p, String flag) {
    if (p == null) {
      return;
    }
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UsageException(flag + ": folder " + parent + " does not exist");
    }
    if (Files.isDirectory(p)) {
      throw new UsageException(flag + ": " + p + " is a folder, not a file");
    }
  }
}
