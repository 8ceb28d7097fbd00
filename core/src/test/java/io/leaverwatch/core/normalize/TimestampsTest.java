package io.leaverwatch.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static Instant p(String s) {
    return Timestamps.parseText(s, "t");
  }

  @Test
  void everyShapeSeenInTheSources() {
    assertThat(p("2024-01-02T03:04:05Z")).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(p("2021-06-25T21:27:03.49Z")).isEqualTo(Instant.parse("2021-06-25T21:27:03.490Z"));
    assertThat(p("2022-11-21 18:06:52")).isEqualTo(Instant.parse("2022-11-21T18:06:52Z"));
    assertThat(p("2022-08-16 16:56:49.309123456"))
        .isEqualTo(Instant.parse("2022-08-16T16:56:49.309123456Z"));
    assertThat(p("2024-12-17 00:00:00000000")).isEqualTo(Instant.parse("2024-12-17T00:00:00Z"));
    assertThat(p("2024-01-02T03:04:05+02:00")).isEqualTo(Instant.parse("2024-01-02T01:04:05Z"));
    assertThat(p("1709287200000")).isEqualTo(Instant.ofEpochMilli(1709287200000L));
    assertThat(p("1709287200")).isEqualTo(Instant.ofEpochSecond(1709287200L));
  }

  @Test
  void placeholdersAreMissingImpossibleDaysRollOverGarbageIsRejected() {
    assertThat(p("...")).isNull();
    assertThat(p("redacted")).isNull();
    assertThat(p("2017-09-31T22:23:07.777Z")).isEqualTo(Instant.parse("2017-10-01T22:23:07.777Z"));
    assertThatThrownBy(() -> p("2017-13-01T00:00:00Z")).hasMessageContaining("impossible date");
    assertThatThrownBy(() -> p("2017-01-01T25:00:00Z")).hasMessageContaining("impossible");
    assertThatThrownBy(() -> p("yesterday 5pm")).hasMessageContaining("not a timestamp");
  }
}
