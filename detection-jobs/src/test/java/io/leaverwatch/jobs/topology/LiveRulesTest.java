package io.leaverwatch.jobs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.core.rules.RuleSetLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LiveRulesTest {
  private static final String ROLE = RulesReloadTest.ALICE.getRole();

  @Test
  void aNewBundleThatParsesIsInForceAndTheSameBundleAgainChangesNothing() {
    LiveRules<RuleSet> live =
        new LiveRules<>("test", RulesReloadTest.AS_BUILT, RuleSetLoader::load);

    assertThat(live.offer(RulesReloadTest.AS_BUILT)).isFalse();
    assertThat(live.offer(RulesReloadTest.withGrace("2h"))).isTrue();
    assertThat(live.current().baselineFor(ROLE).gracePeriod()).isEqualTo(Duration.ofHours(2));
    assertThat(live.offer(RulesReloadTest.withGrace("2h"))).isFalse();
  }

  @Test
  void aBadBundleIsRefusedWithItsFileLineAndFieldAndTheRulesInForceStay() {
    LiveRules<RuleSet> live =
        new LiveRules<>("person detectors", RulesReloadTest.AS_BUILT, RuleSetLoader::load);
    RuleSet before = live.current();

    assertThat(live.offer(RulesReloadTest.withGrace("soon"))).isFalse();

    assertThat(live.current()).isSameAs(before);
    assertThat(live.bundle()).isEqualTo(RulesReloadTest.AS_BUILT);
    assertThat(live.lastRefusal())
        .startsWith("person detectors: new rules ")
        .contains(RulesReloadTest.AS_BUILT.origin() + "/roles/" + ROLE + ".yaml:")
        .contains("grace_period")
        .doesNotContain("leaverwatch-rules-");
    System.err.println(live.lastRefusal());
  }
}
