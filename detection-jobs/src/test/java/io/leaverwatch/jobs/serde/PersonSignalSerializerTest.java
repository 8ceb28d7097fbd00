package io.leaverwatch.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.SignalKind;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PersonSignalSerializerTest {

  @Test
  void anEventSignalWithEveryFieldSetCrossesTheShuffleUnchanged() throws IOException {
    PersonSignal s =
        new PersonSignal(
            SignalKind.EVENT, "p-1", "ACTOR", "ada@example.com", event(), null, null, null, null);
    assertThat(roundTrip(s)).isEqualTo(s);
  }

  @Test
  void anEventWithOnlyItsRequiredFieldsAndNonAsciiTextCrossesUnchanged() throws IOException {
    AuditEvent e = event();
    e.setActor(null);
    e.setTargets(List.of());
    e.setSourceIp(null);
    e.setUserAgent(null);
    e.setResource(null);
    e.setAccount(null);
    e.setRegion(null);
    e.setOutcome(new Outcome(OutcomeResult.UNKNOWN, null));
    e.setRaw("{\"displayName\":\"Zoë Ångström 日本 🙂\"}");
    PersonSignal s =
        new PersonSignal(SignalKind.EVENT, null, "IP", null, e, null, null, null, null);
    assertThat(roundTrip(s)).isEqualTo(s);
  }

  @Test
  void departuresIdentitiesGrantsAndEndOfInputCrossUnchanged() throws IOException {
    Departure d =
        Departure.newBuilder()
            .setPersonId("p-2")
            .setEmail("bo@example.com")
            .setRole("sre")
            .setNoticeAt(Instant.parse("2026-09-20T00:00:00Z"))
            .setDepartedAt(Instant.parse("2026-10-01T12:00:00Z"))
            .setStatus(DepartureStatus.DEPARTED)
            .build();
    IdentityLink l =
        IdentityLink.newBuilder()
            .setPersonId("p-2")
            .setSystem("github")
            .setIdentity("bo")
            .setLearned(false)
            .build();
    AccessGrant g =
        AccessGrant.newBuilder()
            .setPersonId("p-2")
            .setSystem("okta")
            .setIdentity("00u1")
            .setGrant("user")
            .setObservedAt(Instant.parse("2026-10-02T00:00:00Z"))
            .build();
    for (PersonSignal s :
        List.of(
            new PersonSignal(SignalKind.DEPARTURE, "p-2", null, null, null, d, null, null, null),
            new PersonSignal(SignalKind.IDENTITY, "p-2", null, null, null, null, l, null, null),
            new PersonSignal(SignalKind.GRANT, "p-2", null, null, null, null, null, g, null),
            new PersonSignal(
                SignalKind.END_OF_INPUT,
                "p-2",
                null,
                null,
                null,
                null,
                null,
                null,
                Instant.parse("2026-11-01T00:00:00Z")))) {
      assertThat(roundTrip(s)).isEqualTo(s);
    }
  }

  @Test
  void aCopyIsDeep() {
    PersonSignal s =
        new PersonSignal(SignalKind.EVENT, "p-1", "ACTOR", "ada", event(), null, null, null, null);
    PersonSignal copy = PersonSignalSerializer.INSTANCE.copy(s);
    copy.getEvent().getActor().setLogin("someone-else");
    assertThat(s.getEvent().getActor().getLogin()).isEqualTo("ada");
    assertThat(copy).isNotSameAs(s);
  }

  @Test
  void anUnknownSymbolIsAnErrorNamingTheEnumNotAWrongValue() {
    DataInputDeserializer in = new DataInputDeserializer(new byte[] {(byte) 200});
    assertThatThrownBy(() -> PersonSignalSerializer.INSTANCE.deserialize(in))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("SignalKind");
  }

  private static PersonSignal roundTrip(PersonSignal s) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    PersonSignalSerializer.INSTANCE.serialize(s, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    PersonSignal back = PersonSignalSerializer.INSTANCE.deserialize(in);
    assertThat(in.available()).as("bytes left after reading").isZero();
    return back;
  }

  private static AuditEvent event() {
    Principal actor =
        new Principal(
            "okta",
            "okta_user",
            "00u1",
            "ada",
            "ada@example.com",
            null,
            null,
            PrincipalType.HUMAN,
            "Ada");
    Principal target =
        new Principal(
            "aws",
            "iam_user",
            null,
            null,
            null,
            "arn:aws:iam::111122223333:user/ada",
            "AKIAEXAMPLE",
            PrincipalType.HUMAN,
            null);
    return new AuditEvent(
        "e-1",
        Source.OKTA,
        Instant.parse("2026-10-03T04:05:06.789Z"),
        "user.session.start",
        ActionClass.values()[1],
        actor,
        List.of(target),
        new Outcome(OutcomeResult.FAILURE, "INVALID_CREDENTIALS"),
        "198.51.100.7",
        "curl/8",
        "okta:app",
        "111122223333",
        "eu-west-1",
        "{\"uuid\":\"e-1\"}");
  }

  @Test
  void rawPayloadsOfEveryLengthCrossUnchanged() throws IOException {
    for (int n : new int[] {0, 126, 127, 128, 16_383, 16_384, 300_000}) {
      AuditEvent e = event();
      e.setRaw("x".repeat(n));
      PersonSignal s =
          new PersonSignal(SignalKind.EVENT, "p-1", "ACTOR", "ada", e, null, null, null, null);
      assertThat(roundTrip(s)).as("raw of %d characters", n).isEqualTo(s);
    }
  }

  @Test
  void aMalformedStringLengthIsAnErrorNotAHugeAllocation() {
    DataInputDeserializer in =
        new DataInputDeserializer(
            new byte[] {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1});
    assertThatThrownBy(() -> PersonSignalSerializer.INSTANCE.deserialize(in))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("string length");
  }
}
