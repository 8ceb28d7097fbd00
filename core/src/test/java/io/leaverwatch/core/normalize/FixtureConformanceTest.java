package io.leaverwatch.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leaverwatch.core.read.RecordReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every record of ../shared/fixtures is normalised or rejected; only cloudtrail/malformed/ and the
 * listed exceptions are rejected. Skipped when the fixtures folder is absent.
 */
class FixtureConformanceTest {
  /**
   * Records that are not audit events at all. okta/panther-rule-tests.ndjson line 99 is Panther's
   * {@code {"eventType": "logout"}}: nothing in it says which system it came from.
   */
  static final Set<String> NOT_AUDIT_EVENTS = Set.of("okta/panther-rule-tests.ndjson line 99");

  @Test
  void everyFixtureRecordIsNormalisedOrRejectedWithAReason() {
    Path fixtures = TestInputs.fixtures();
    assumeTrue(fixtures != null && Files.isDirectory(fixtures), "fixtures folder absent");
    EventNormalizer normalizer = TestInputs.normalizer();
    List<Path> files = RecordReader.expand(List.of(fixtures));
    assertThat(files).hasSizeGreaterThan(20);
    int events = 0;
    List<String> unexpected = new ArrayList<>();
    int malformedRejected = 0;
    for (Path f : files) {
      String rel = fixtures.relativize(f).toString().replace('\\', '/');
      List<Normalization> out = TestInputs.normalizeAll(normalizer, f);
      assertThat(out).as(rel).isNotEmpty();
      for (Normalization n : out) {
        if (n instanceof Normalization.Normalized) {
          events++;
          assertThat(rel).doesNotStartWith("cloudtrail/malformed/");
        } else {
          Normalization.Rejection r = (Normalization.Rejection) n;
          assertThat(r.reason()).isNotBlank();
          assertThat(r.original()).isNotEmpty();
          if (rel.startsWith("cloudtrail/malformed/")) {
            malformedRejected++;
          } else if (!NOT_AUDIT_EVENTS.contains(rel + " " + r.cursor())) {
            unexpected.add(rel + " " + r.cursor() + ": " + r.reason());
          }
        }
      }
    }
    assertThat(unexpected).isEmpty();
    assertThat(malformedRejected).isEqualTo(5);
    assertThat(events).isGreaterThan(880);
  }
}
