package io.leaverwatch.bench.pipeline;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code leaverwatch bench}: measurements that are not tests (figures for the README). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures the pipeline on this machine; see `bench pipeline --help`.",
    subcommands = {PipelineBenchCommand.class, DrillsCommand.class})
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
