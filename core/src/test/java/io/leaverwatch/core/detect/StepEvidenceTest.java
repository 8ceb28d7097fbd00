package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.Events.T0;
import static io.leaverwatch.core.detect.Events.T0_PLUS_10M;
import static io.leaverwatch.core.detect.Events.T0_PLUS_1D;
import static io.leaverwatch.core.detect.Events.T0_PLUS_2H;
import static io.leaverwatch.core.detect.Events.T0_PLUS_5H;
import static io.leaverwatch.core.detect.Events.event;
import static io.leaverwatch.core.detect.PersonDetectorTest.ALICE;
import static io.leaverwatch.core.detect.PersonDetectorTest.ALICE_OKTA;
import static io.leaverwatch.core.detect.PersonDetectorTest.OKTA_ADMIN;
import static io.leaverwatch.core.detect.PersonDetectorTest.OKTA_BOT;
import static io.leaverwatch.core.detect.PersonDetectorTest.aliceOkta;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.Source;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A step status says who completed it and what the person last did on that system. */
class StepEvidenceTest {

  @Test
  void theApprovedAutomationCompletedTheStepAndNothingHappenedAfter() {
    InMemoryDetection d =
        aliceOkta(InMemoryDetection.bounded())
            .departure(ALICE)
            .events(
                PersonDetectorTest.session(T0.minus(Duration.ofHours(3))).id("ev-last-login"),
                PersonDetectorTest.deactivate(T0_PLUS_10M).id("ev-deactivate"))
            .end(T0_PLUS_1D.toEpochMilli());

    OffboardingStepStatus step = d.steps.values().iterator().next();
    assertThat(step.getCompletedBy()).isEqualTo(OKTA_BOT.getEmail());
    assertThat(step.getCompletedByAutomation()).isTrue();
    assertThat(step.getLastActivityAt()).isEqualTo(T0.minus(Duration.ofHours(3)));
    assertThat(step.getLastActivityEventId()).isEqualTo("ev-last-login");
    assertThat(step.getLastActivityAt()).isBefore(step.getCompletedAt());
  }

  @Test
  void aHumanAdminIsNotTheAutomationAndActivityAfterTheRevocationIsShown() {
    InMemoryDetection d =
        aliceOkta(InMemoryDetection.bounded())
            .departure(ALICE)
            .events(
                event(Source.OKTA, "user.lifecycle.deactivate", ActionClass.REVOCATION, T0_PLUS_10M)
                    .actor(OKTA_ADMIN)
                    .target(ALICE_OKTA),
                PersonDetectorTest.session(T0_PLUS_2H).failed("INVALID_CREDENTIALS").id("ev-after"))
            .end(T0_PLUS_1D.toEpochMilli());

    OffboardingStepStatus step = d.steps.values().iterator().next();
    assertThat(step.getCompletedBy()).isEqualTo(OKTA_ADMIN.getEmail());
    assertThat(step.getCompletedByAutomation()).isFalse();
    assertThat(step.getLastActivityAt()).isEqualTo(T0_PLUS_2H);
    assertThat(step.getLastActivityEventId()).isEqualTo("ev-after");
  }

  @Test
  void aMissingStepHasNoCompleterButStillTheLastActivity() {
    InMemoryDetection d =
        aliceOkta(InMemoryDetection.bounded())
            .departure(ALICE)
            .events(PersonDetectorTest.session(T0_PLUS_5H).id("ev-5h"))
            .end(T0_PLUS_1D.toEpochMilli());

    OffboardingStepStatus step = d.steps.values().iterator().next();
    assertThat(step.getCompletedAt()).isNull();
    assertThat(step.getCompletedBy()).isNull();
    assertThat(step.getCompletedByAutomation()).isNull();
    assertThat(step.getLastActivityAt()).isEqualTo(T0_PLUS_5H);
    assertThat(step.getLastActivityEventId()).isEqualTo("ev-5h");
  }
}
