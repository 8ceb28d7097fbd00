package io.leaverwatch.cli.ingest;

import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code leaverwatch ingest ...}: the live connectors that publish RawAuditRecords. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Pull audit events and access snapshots from GitHub, Okta and AWS.",
    subcommands = {
      GitHubIngestCommand.class,
      OktaIngestCommand.class,
      CloudTrailIngestCommand.class,
      S3IngestCommand.class,
      SnapshotsIngestCommand.class,
      AllIngestCommand.class,
      FilesIngestCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class IngestCommand implements Runnable {
  /** The environment; tests replace it because a JVM cannot set its own variables. */
  static Supplier<Map<String, String>> environment = System::getenv;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static IngestRuntime runtime(IngestOptions options, CommandLine.Model.CommandSpec spec) {
    PrintWriter err = spec.commandLine().getErr();
    return new IngestRuntime(options, err, environment.get());
  }
}
