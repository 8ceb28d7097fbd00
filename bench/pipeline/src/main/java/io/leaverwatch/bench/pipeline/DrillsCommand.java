package io.leaverwatch.bench.pipeline;

import io.leaverwatch.core.normalize.RulesDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch bench drills}: the fault drill, with its figures. */
@Command(
    name = "drills",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the streaming job on a Flink MiniCluster with a real Kafka broker and Elasticsearch"
          + " node over a generated organisation, with 1 % poison raw records among its events,"
          + " while it kills the TaskManager at random points (--kills), makes Elasticsearch"
          + " unreachable (--es-outage seconds) and restarts the broker.",
      "Then checks: the finding ids and counts in Elasticsearch equal the bounded detect run over"
          + " the same files; the findings topic read with read_committed holds no duplicate;"
          + " every event was normalised and every poison record dead-lettered, and nothing else."
          + " Prints the figures; exits 0 when the drill passed, 1 when it did not.",
      "Not a test of speed: it takes several minutes (about 8 with the defaults on 2 cores)."
    })
public final class DrillsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kills",
      defaultValue = "20",
      paramLabel = "N",
      description = "TaskManager kills (default: ${DEFAULT-VALUE}).")
  int kills;

  @Option(
      names = "--es-outage",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "How long Elasticsearch is unreachable (default: ${DEFAULT-VALUE}).")
  int esOutage;

  @Option(
      names = "--people",
      defaultValue = "300",
      paramLabel = "N",
      description = "People in the generated organisation (default: ${DEFAULT-VALUE}).")
  int people;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "S",
      description =
          "Seed of the organisation and of the fault schedule (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rules",
      paramLabel = "DIR",
      description = "rules folder (default: -Dleaverwatch.rules, $LEAVERWATCH_HOME/rules, ./rules)")
  Path rules;

  @Option(
      names = "--data-dir",
      defaultValue = ".leaverwatch/drills",
      paramLabel = "DIR",
      description =
          "Where the organisation, broker, node and checkpoints go (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (kills < 0 || kills > 200) {
      throw new IllegalArgumentException("--kills must be between 0 and 200, got " + kills);
    }
    if (esOutage < 0 || esOutage > 600) {
      throw new IllegalArgumentException(
          "--es-outage must be between 0 and 600 seconds, got " + esOutage);
    }
    if (people < 20 || people > 5000) {
      throw new IllegalArgumentException("--people must be between 20 and 5000, got " + people);
    }
    Path rulesDir = rules != null ? rules : RulesDirectory.resolve();
    if (!Files.isDirectory(rulesDir)) {
      throw new IllegalArgumentException("--rules: " + rulesDir + " is not a folder");
    }
    Path data = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--data-dir: cannot create " + data + ": " + e.getMessage(), e);
    }
    FaultDrill.Plan base = FaultDrill.Plan.full(seed);
    FaultDrill.Plan plan =
        new FaultDrill.Plan(
            people,
            base.days(),
            Math.max(5, people / 10),
            seed,
            kills,
            java.time.Duration.ofSeconds(esOutage),
            base.brokerRestarts(),
            base.poisonShare(),
            base.timeout());
    PipelineBenchCommand.BenchProgress progress =
        new PipelineBenchCommand.BenchProgress(spec.commandLine().getErr());
    FaultDrill.Report report = new FaultDrill(data, rulesDir, progress).run(plan);
    spec.commandLine().getOut().print(report.table());
    spec.commandLine().getOut().flush();
    return report.passed() ? 0 : 1;
  }
}
