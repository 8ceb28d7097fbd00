package io.leaverwatch.cli;

import io.leaverwatch.anomaly.AnomalyEvaluation;
import io.leaverwatch.core.normalize.RulesDirectory;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch eval}: measures detectors on generated organisations. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Measures a detector on a generated organisation with known injected patterns.",
    subcommands = {EvalCommand.Anomaly.class})
public final class EvalCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new UsageException("eval: name what to evaluate (anomaly)");
  }

  /** {@code leaverwatch eval anomaly}. */
  @Command(
      name = "anomaly",
      mixinStandardHelpOptions = true,
      description = {
        "Generates an organisation with normal variation and injected pre-departure patterns"
            + " (mass clone, archive downloads, table scan burst, bulk S3 reads, secret reads,"
            + " off-hours spike, first access to many repositories), trains and runs the"
            + " ANOMALOUS_ACTIVITY detector on it, and prints precision, recall per pattern, the"
            + " alert rate and the score distribution."
      })
  public static final class Anomaly implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--people", defaultValue = "500", description = "People (default: 500).")
    int people;

    @Option(names = "--days", defaultValue = "75", description = "Days (default: 75).")
    int days;

    @Option(names = "--seed", defaultValue = "11", description = "Seed (default: 11).")
    long seed;

    @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory.")
    Path rules;

    @Option(
        names = "--work-dir",
        paramLabel = "DIR",
        description = "Where the organisation is written (default: a temporary folder, removed).")
    Path workDir;

    @Override
    public Integer call() throws IOException {
      Path rulesDir = rules != null ? rules : RulesDirectory.resolve();
      boolean temporary = workDir == null;
      Path dir = temporary ? Files.createTempDirectory("leaverwatch-eval-") : workDir;
      try {
        AnomalyEvaluation.Report r;
        try {
          r = AnomalyEvaluation.run(people, days, seed, rulesDir, dir);
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage(), e);
        }
        spec.commandLine().getOut().print(r.table());
        spec.commandLine().getOut().flush();
        return 0;
      } finally {
        if (temporary) {
          deleteTree(dir);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
