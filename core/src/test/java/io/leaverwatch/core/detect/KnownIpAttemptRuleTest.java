package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.Events.T0;
import static io.leaverwatch.core.detect.Events.T0_PLUS_2H;
import static io.leaverwatch.core.detect.Events.departure;
import static io.leaverwatch.core.detect.Events.event;
import static io.leaverwatch.core.detect.Events.oktaUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.rules.DetectionRule;
import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The known-IP rule decides from what its catalogue file says, not from constants of its own. */
class KnownIpAttemptRuleTest {
  static final String HOME = "203.0.113.9";
  static final RuleSet RULES = Rules.load();
  static final Departure P0 = departure("p0", "P0@corp.example.com", "sre", T0);

  static IpState usedBy(Map<String, Instant> uses, Instant attemptAt) {
    KnownIpDetector detector = new KnownIpDetector(RULES);
    IpState s = new IpState();
    uses.forEach(
        (who, at) ->
            detector.onEvent(
                s,
                event(Source.OKTA, "user.session.start", ActionClass.AUTHENTICATION, at)
                    .actor(oktaUser("00u" + who, who + "@corp.example.com"))
                    .ip(HOME)
                    .build(),
                who));
    detector.onEvent(
        s,
        event(Source.OKTA, "user.session.start", ActionClass.AUTHENTICATION, attemptAt)
            .actor(oktaUser(null, "stranger@mail.example.net"))
            .failed("INVALID_CREDENTIALS")
            .ip(HOME)
            .build(),
        null);
    return s;
  }

  static List<Finding> evaluate(DetectionRule rule, IpState s) {
    return new KnownIpAttemptRule(rule)
        .evaluate(HOME, s, "p0", P0, RULES.baselineFor(P0.getRole()));
  }

  static DetectionRule with(String window, Duration d, String threshold, long v) {
    DetectionRule r = RULES.detection(KnownIpAttemptRule.ID);
    Map<String, Duration> windows = new HashMap<>(r.windows());
    Map<String, Long> thresholds = new HashMap<>(r.thresholds());
    if (window != null) {
      windows.put(window, d);
    }
    if (threshold != null) {
      thresholds.put(threshold, v);
    }
    return new DetectionRule(
        r.id(),
        r.name(),
        r.findingType(),
        r.version(),
        r.defaultSeverity(),
        r.cases(),
        windows,
        thresholds,
        r.file());
  }

  @Test
  void theFilesLookbackDecidesWhetherAnOldUseMakesTheIpOwn() {
    IpState s = usedBy(Map.of("p0", T0.minus(Duration.ofDays(40))), T0_PLUS_2H);

    assertThat(evaluate(RULES.detection(KnownIpAttemptRule.ID), s)).isEmpty();
    assertThat(evaluate(with("lookback", Duration.ofDays(45), null, 0), s)).hasSize(1);
  }

  @Test
  void theFilesSharingLimitDecidesWhenTheIpIsNobodysOwn() {
    IpState s =
        usedBy(
            Map.of("p0", T0.minus(Duration.ofDays(2)), "p1", T0.minus(Duration.ofDays(3))),
            T0_PLUS_2H);

    assertThat(evaluate(RULES.detection(KnownIpAttemptRule.ID), s)).hasSize(1);
    assertThat(evaluate(with(null, null, "max_other_people", 0), s)).isEmpty();
  }

  @Test
  void aFindingNamesTheDepartureItIsAboutAndItsSeverityComesFromTheFile() {
    IpState s = usedBy(Map.of("p0", T0.minus(Duration.ofDays(2))), T0_PLUS_2H);

    Finding f = evaluate(RULES.detection(KnownIpAttemptRule.ID), s).get(0);
    assertThat(f.getEmail()).isEqualTo("p0@corp.example.com");
    assertThat(f.getDepartedAt()).isEqualTo(T0);
    assertThat(f.getIdentity()).isEqualTo(HOME);
    assertThat(f.getSeverity())
        .isEqualTo(RULES.detection(KnownIpAttemptRule.ID).severity("every_attempt_failed"))
        .isEqualTo(Severity.MEDIUM);
  }
}
