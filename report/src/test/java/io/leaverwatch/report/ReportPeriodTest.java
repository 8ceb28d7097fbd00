package io.leaverwatch.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReportPeriodTest {
  @Test
  void anIsoWeekRunsFromMondayMidnightUtcToTheNextMonday() {
    ReportPeriod w41 = ReportPeriod.ofIsoWeek("2026-W41");
    assertThat(w41.from()).isEqualTo(Instant.parse("2026-10-05T00:00:00Z"));
    assertThat(w41.to()).isEqualTo(Instant.parse("2026-10-12T00:00:00Z"));
    // week 1 of 2026 starts in 2025 (ISO weeks belong to the year of their Thursday)
    assertThat(ReportPeriod.ofIsoWeek("2026-W01").from())
        .isEqualTo(Instant.parse("2025-12-29T00:00:00Z"));
  }

  @Test
  void daysIncludeBothEnds() {
    ReportPeriod p = ReportPeriod.ofDays("2026-10-05", "2026-10-06");
    assertThat(p.to()).isEqualTo(Instant.parse("2026-10-07T00:00:00Z"));
  }

  @Test
  void aBadWeekSaysHowToWriteOne() {
    assertThatThrownBy(() -> ReportPeriod.ofIsoWeek("2026-41"))
        .isInstanceOf(ReportInputException.class)
        .hasMessageContaining("2026-W41");
    assertThatThrownBy(() -> ReportPeriod.ofIsoWeek("2026-W54"))
        .hasMessageContaining("2026 has ISO weeks W01 to W53");
    assertThatThrownBy(() -> ReportPeriod.ofIsoWeek("2025-W53"))
        .hasMessageContaining("2025 has ISO weeks W01 to W52");
    assertThatThrownBy(() -> ReportPeriod.ofDays("2026-10-06", "2026-10-05"))
        .hasMessageContaining("before --from");
  }
}
