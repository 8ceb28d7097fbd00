package io.leaverwatch.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite's fault drill: the same checker as {@code bench drills}, with three TaskManager kills,
 * Elasticsearch unreachable for 10 s, one broker restart and 1 % poison on a small organisation.
 */
class FaultDrillITCase {
  @TempDir Path tmp;

  @Test
  void findingsSurviveKillsOutagesAndRestartsWithNothingLostOrDuplicated() throws Exception {
    Path rules = Path.of("../../rules").toAbsolutePath().normalize();
    assertThat(rules).as("the rules folder of the checkout").isDirectory();
    PipelineBenchCommand.BenchProgress progress =
        new PipelineBenchCommand.BenchProgress(new PrintWriter(System.err, true));
    FaultDrill.Report report =
        new FaultDrill(Files.createDirectories(tmp.resolve("drill")), rules, progress)
            .run(FaultDrill.Plan.quick(11));
    System.err.print(report.table());
    assertThat(report.killsSurvived()).isEqualTo(3);
    assertThat(report.brokerRestarts()).isEqualTo(1);
    assertThat(report.findingsExpected()).as("the organisation yields findings").isPositive();
    assertThat(report.poisonRecords()).isPositive();
    assertThat(report.problems()).as(report.table()).isEmpty();
    assertThat(report.passed()).as(report.table()).isTrue();
  }
}
