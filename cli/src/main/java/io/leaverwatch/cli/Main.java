package io.leaverwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code leaverwatch} command line: one subcommand per mode of operation. */
@Command(
    name = "leaverwatch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Catches what survives a leaver: offboarding detection over GitHub, AWS and Okta.",
    subcommands = {
      CommandLine.HelpCommand.class,
      io.leaverwatch.cli.ingest.IngestCommand.class,
      NormalizeCommand.class,
      GenerateCommand.class,
      DetectCommand.class,
      ReportCommand.class,
      DashboardsCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      RunCommand.class,
      AlertCommand.class,
      io.leaverwatch.bench.pipeline.BenchCommand.class,
      DemoCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    io.leaverwatch.core.avro.AvroFastReader.enable();
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (0 ran, 1 failed, 2 bad arguments). */
  public static int run(String... args) {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setExecutionExceptionHandler(new ErrorHandler());
    return cmd.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
