package io.leaverwatch.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchResultsTest {

  @Test
  void benchResultsJsonHasExactlyTheDocumentedFieldsWithRatiosOfItsOwnFigures() throws Exception {
    BenchResults r =
        new BenchResults(
            40_000, 30_000, 20_000, 10_000, 350, 1_900, 19_876.4, 300_123, Map.of("nproc", 2));
    JsonNode json = new ObjectMapper().readTree(r.toJson());
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "ceiling_eps",
            "job_eps",
            "job_es_eps",
            "ratio_job",
            "ratio_job_es",
            "latency_p50_ms",
            "latency_p99_ms",
            "input_rate_eps",
            "events",
            "machine",
            "normalise_ceiling_eps",
            "ratio_normalise_ceiling");
    assertThat(json.get("ratio_job").asDouble()).isEqualTo(0.5);
    assertThat(json.get("ratio_job_es").asDouble()).isEqualTo(0.25);
    assertThat(json.get("ratio_normalise_ceiling").asDouble()).isEqualTo(0.75);
    assertThat(json.get("input_rate_eps").asLong()).isEqualTo(19_876);
    assertThat(json.get("machine").get("nproc").asInt()).isEqualTo(2);
  }

  @Test
  void aZeroCeilingGivesZeroRatiosNotInfinity() {
    BenchResults r = new BenchResults(0, 10, 10, 10, 1, 1, 1, 1, Map.of());
    assertThat(r.ratioJob()).isZero();
    assertThat(r.ratioJobEs()).isZero();
    assertThat(r.ratioNormaliseCeiling()).isZero();
  }

  @Test
  void nearestRankPercentilesAreMeasuredValues() {
    List<Long> samples = new ArrayList<>();
    for (long i = 1; i <= 20; i++) {
      samples.add(i * 100);
    }
    assertThat(Percentiles.nearestRank(samples, 50)).isEqualTo(1000);
    assertThat(Percentiles.nearestRank(samples, 99)).isEqualTo(2000);
    assertThat(Percentiles.nearestRank(List.of(7L), 99)).isEqualTo(7);
    assertThatThrownBy(() -> Percentiles.nearestRank(List.of(), 50))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no samples");
    assertThatThrownBy(() -> Percentiles.nearestRank(samples, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void machineDescriptionReadsCpuModelAndMemoryAndSurvivesMissingFiles(@TempDir Path dir)
      throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Example CPU @ 2.00GHz\n");
    Path meminfo = dir.resolve("meminfo");
    Files.writeString(meminfo, "MemTotal:       24000000 kB\nMemFree: 1 kB\n");
    assertThat(MachineDescription.cpuModel(cpuinfo)).isEqualTo("Example CPU @ 2.00GHz");
    assertThat(MachineDescription.totalMemoryBytes(meminfo)).isEqualTo(24_000_000L * 1024);
    assertThat(MachineDescription.cpuModel(dir.resolve("absent"))).isEqualTo("unknown");
    assertThat(MachineDescription.totalMemoryBytes(dir.resolve("absent"))).isPositive();
    assertThat(MachineDescription.current())
        .containsKeys("nproc", "cpu_model", "jdk", "total_memory_bytes");
  }
}
