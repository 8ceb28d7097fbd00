package io.leaverwatch.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.detect.IdentityResolver;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignalRouteTest {
  private static final Instant T0 = Instant.parse("2026-10-05T09:00:00Z");

  private static PersonSignal.Builder signal(SignalKind kind, String person, String role) {
    return PersonSignal.newBuilder().setKind(kind).setPersonId(person).setRole(role);
  }

  @Test
  void anEventsIpCopyGoesToTheKnownIpDetectorOnlyEvenWhenItNamesAPerson() {
    assertThat(SignalRoute.of(signal(SignalKind.EVENT, "p-alice", IdentityResolver.IP).build()))
        .containsExactly(SignalRoute.SOURCE_IP);
    assertThat(SignalRoute.of(signal(SignalKind.EVENT, null, IdentityResolver.IP).build()))
        .containsExactly(SignalRoute.SOURCE_IP);
  }

  @Test
  void aDepartureGoesToThePersonsDetectorAndToTheBroadcast() {
    Departure d =
        Departure.newBuilder()
            .setPersonId("p-alice")
            .setEmail("alice@corp.example.com")
            .setRole("engineer")
            .setDepartedAt(T0)
            .setStatus(DepartureStatus.DEPARTED)
            .build();
    PersonSignal s = signal(SignalKind.DEPARTURE, "p-alice", null).setDeparture(d).build();

    assertThat(SignalRoute.of(s)).containsExactly(SignalRoute.PERSON, SignalRoute.DEPARTURES);
  }

  @Test
  void anEventOfAPersonGoesToTheirDetectorAndOneOfNobodyGoesNowhere() {
    assertThat(SignalRoute.of(signal(SignalKind.EVENT, "p-alice", IdentityResolver.ACTOR).build()))
        .containsExactly(SignalRoute.PERSON);
    assertThat(SignalRoute.of(signal(SignalKind.EVENT, null, null).build())).isEmpty();
  }
}
