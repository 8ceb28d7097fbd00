package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.Events.T0;
import static io.leaverwatch.core.detect.Events.T0_MINUS_5D;
import static io.leaverwatch.core.detect.Events.T0_PLUS_2H;
import static io.leaverwatch.core.detect.Events.departure;
import static io.leaverwatch.core.detect.Events.event;
import static io.leaverwatch.core.detect.Events.oktaUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Source;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownIpDetectorTest {
  static final String HOME = "203.0.113.9";

  static Events.E login(String who, java.time.Instant at) {
    return event(Source.OKTA, "user.session.start", ActionClass.AUTHENTICATION, at)
        .actor(oktaUser("00u" + who, who + "@corp.example.com"))
        .ip(HOME);
  }

  static InMemoryDetection org(int people) {
    InMemoryDetection d = InMemoryDetection.bounded();
    for (int i = 0; i < people; i++) {
      d.identity("p" + i, "okta", "p" + i + "@corp.example.com");
    }
    return d;
  }

  @Test
  void anUnknownActorFromTheLeaversOwnIpAfterDepartureIsFlagged() {
    InMemoryDetection d = org(1);
    d.events(login("p0", T0_MINUS_5D));
    d.events(
        event(Source.OKTA, "user.session.start", ActionClass.AUTHENTICATION, T0_PLUS_2H)
            .actor(oktaUser(null, "admin@corp.example.com"))
            .failed("INVALID_CREDENTIALS")
            .ip(HOME));
    d.departure(departure("p0", "p0@corp.example.com", "sre", T0));

    List<Finding> f = d.of(FindingType.KNOWN_IP_ACCESS_ATTEMPT);
    assertThat(f).hasSize(1);
    assertThat(f.get(0).getPersonId()).isEqualTo("p0");
    assertThat(f.get(0).getDetails()).containsEntry("actors", "admin@corp.example.com");
  }

  @Test
  void anIpTwoOthersUsedIsStillOwnButThreeMakeItShared() {
    for (int others : new int[] {2, 3}) {
      InMemoryDetection d = org(others + 1);
      d.departure(departure("p0", "p0@corp.example.com", "sre", T0));
      for (int i = 0; i <= others; i++) {
        d.events(login("p" + i, T0_MINUS_5D.plus(Duration.ofHours(i))));
      }
      d.events(login("stranger", T0_PLUS_2H));
      assertThat(d.of(FindingType.KNOWN_IP_ACCESS_ATTEMPT))
          .as("%d other people on the IP", others)
          .hasSize(others == 2 ? 1 : 0);
    }
  }

  @Test
  void anIpUsedOnlyLongBeforeTheDepartureIsNotOwn() {
    InMemoryDetection d = org(1);
    d.events(login("p0", T0.minus(Duration.ofDays(40))));
    d.departure(departure("p0", "p0@corp.example.com", "sre", T0));
    d.events(login("stranger", T0_PLUS_2H));
    assertThat(d.of(FindingType.KNOWN_IP_ACCESS_ATTEMPT)).isEmpty();
  }
}
