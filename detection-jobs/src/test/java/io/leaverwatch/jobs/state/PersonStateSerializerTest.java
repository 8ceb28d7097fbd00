package io.leaverwatch.jobs.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.core.detect.ActivityBucket;
import io.leaverwatch.core.detect.EventRef;
import io.leaverwatch.core.detect.IpState;
import io.leaverwatch.core.detect.PersonState;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PersonStateSerializerTest {
  private static final long OKTA_HOUR = PersonState.bucketKey(Source.OKTA, 7_200_000L);
  private static final long GITHUB_HOUR = PersonState.bucketKey(Source.GITHUB, 3_600_000L);

  @Test
  void aFullPersonStateSurvivesACheckpointRoundTripFieldForField() throws IOException {
    PersonState s = person();
    PersonState back = roundTrip(PersonStateSerializer.INSTANCE, s);
    assertThat(back)
        .usingRecursiveComparison()
        .withEqualsForType(
            (a, b) -> Arrays.equals(a.hashes(), b.hashes()),
            io.leaverwatch.core.detect.EventIdSet.class)
        .isEqualTo(s);
    assertThat(back.activity).containsKeys(OKTA_HOUR, GITHUB_HOUR);
    assertThat(back.activity.get(OKTA_HOUR).overflowIds.contains("e-202")).isTrue();
  }

  @Test
  void anEmptyStateWithNullsRoundTrips() throws IOException {
    PersonState s = new PersonState();
    PersonState back = roundTrip(PersonStateSerializer.INSTANCE, s);
    assertThat(back).usingRecursiveComparison().isEqualTo(s);
    assertThat(back.departedAt).isNull();
  }

  @Test
  void aCopyTakenDuringASnapshotSharesNothingMutable() {
    PersonState s = person();
    PersonState copy = PersonStateSerializer.INSTANCE.copy(s);
    copy.activity.get(OKTA_HOUR).refs.get(0).raw = "changed";
    copy.activity.get(OKTA_HOUR).overflowCount = 99;
    copy.activity.get(OKTA_HOUR).overflowIds.add("e-999");
    copy.notable.clear();
    copy.grants.put("okta|new", 1L);
    copy.identities.clear();
    assertThat(s.activity.get(OKTA_HOUR).refs.get(0).raw).isEqualTo("{\"raw\":1}");
    assertThat(s.activity.get(OKTA_HOUR).overflowCount).isEqualTo(3);
    assertThat(s.activity.get(OKTA_HOUR).overflowIds.contains("e-999")).isFalse();
    assertThat(s.notable).hasSize(1);
    assertThat(s.grants).doesNotContainKey("okta|new");
    assertThat(s.identities).isNotEmpty();
  }

  @Test
  void ipStateRoundTripsAndCopiesDeeply() throws IOException {
    IpState s = new IpState();
    TreeMap<Long, Long> days = new TreeMap<>();
    days.put(86_400_000L, 86_400_123L);
    s.daysByPerson.put("p-1", days);
    s.recent.add(ref("e-9", null));
    s.shared = true;
    s.latest = 42;
    IpState back = roundTrip(IpStateSerializer.INSTANCE, s);
    assertThat(back).usingRecursiveComparison().isEqualTo(s);
    IpState copy = IpStateSerializer.INSTANCE.copy(s);
    copy.daysByPerson.get("p-1").put(1L, 1L);
    assertThat(s.daysByPerson.get("p-1")).hasSize(1);
  }

  @Test
  void aRecordOfAnotherFormatIsRefusedWithTheFormatNamed() {
    DataInputDeserializer in = new DataInputDeserializer(new byte[] {9, 0, 0, 0});
    assertThatThrownBy(() -> PersonStateSerializer.INSTANCE.deserialize(in))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format 9");
  }

  @Test
  void aFormatThreeRecordIsReadItsOverflowFailuresFromItsSuccessFlag() throws IOException {
    PersonState s = person();
    ActivityBucket okta = s.activity.get(OKTA_HOUR);
    PersonState allFailed = PersonStateSerializer.INSTANCE.deserialize(formatThree(s, false));
    assertThat(allFailed.activity.get(OKTA_HOUR).overflowFailures).isEqualTo(okta.overflowCount);
    assertThat(allFailed.activity.get(OKTA_HOUR).overflowIds.contains("e-202")).isTrue();
    assertThat(allFailed.deadlinesJudgedUntil).isEqualTo(s.deadlinesJudgedUntil);
    PersonState oneSucceeded = PersonStateSerializer.INSTANCE.deserialize(formatThree(s, true));
    assertThat(oneSucceeded.activity.get(OKTA_HOUR).overflowFailures).isZero();
  }

  @Test
  void theSnapshotRecordsTheFormatAndJudgesARestoreBeforeTheFirstRecord() throws IOException {
    PersonStateSerializer.Snapshot current =
        snapshotRoundTrip(new PersonStateSerializer.Snapshot());
    assertThat(current.format()).isEqualTo(PersonStateSerializer.FORMAT);
    assertThat(
            new PersonStateSerializer.Snapshot()
                .resolveSchemaCompatibility(current)
                .isCompatibleAsIs())
        .isTrue();

    // a checkpoint taken before the snapshot recorded its format: Flink's simple snapshot, v3
    PersonStateSerializer.Snapshot legacy = new PersonStateSerializer.Snapshot();
    legacy.readSnapshot(3, new DataInputDeserializer(new byte[0]), getClass().getClassLoader());
    assertThat(legacy.format()).isEqualTo(3);
    assertThat(
            new PersonStateSerializer.Snapshot()
                .resolveSchemaCompatibility(legacy)
                .isCompatibleAfterMigration())
        .isTrue();

    DataOutputSerializer future = new DataOutputSerializer(8);
    future.writeInt(PersonStateSerializer.FORMAT + 1);
    assertThatThrownBy(
            () ->
                new PersonStateSerializer.Snapshot()
                    .readSnapshot(
                        4,
                        new DataInputDeserializer(future.getCopyOfBuffer()),
                        getClass().getClassLoader()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format " + (PersonStateSerializer.FORMAT + 1))
        .hasMessageContaining("reads formats 2 to " + PersonStateSerializer.FORMAT);
    @SuppressWarnings({"unchecked", "rawtypes"})
    TypeSerializerSnapshot<PersonState> other =
        (TypeSerializerSnapshot) new IpStateSerializer.Snapshot();
    assertThat(
            new PersonStateSerializer.Snapshot().resolveSchemaCompatibility(other).isIncompatible())
        .isTrue();
  }

  /**
   * The record of {@code s} as format 3 wrote it: a success flag where format 4 counts failures.
   */
  private static DataInputDeserializer formatThree(PersonState s, boolean anySuccess)
      throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    PersonStateSerializer.INSTANCE.serialize(s, out);
    byte[] four = out.getCopyOfBuffer();
    // format 4 differs from 3 in the version byte and in each bucket's overflow failures (a long
    // where 3 had a boolean): rewrite the record bucket by bucket
    DataOutputSerializer three = new DataOutputSerializer(256);
    three.writeByte(3);
    io.leaverwatch.jobs.serde.Utf8Strings.write(s.personId, three);
    io.leaverwatch.jobs.serde.Utf8Strings.write(s.email, three);
    io.leaverwatch.jobs.serde.Utf8Strings.write(s.role, three);
    StateCodec.writeNullableLong(s.noticeAt, three);
    StateCodec.writeNullableLong(s.departedAt, three);
    io.leaverwatch.jobs.serde.Utf8Strings.write(s.status.name(), three);
    StateCodec.writeStringMap(s.identities, three);
    three.writeInt(s.activity.size());
    for (var e : s.activity.entrySet()) {
      three.writeLong(e.getKey());
      ActivityBucket b = e.getValue();
      io.leaverwatch.jobs.serde.Utf8Strings.write(b.source, three);
      three.writeLong(b.hourStart);
      EventRefCodec.INSTANCE.writeList(b.refs, three);
      three.writeLong(b.overflowCount);
      three.writeLong(b.overflowFirst);
      three.writeLong(b.overflowLast);
      three.writeBoolean(anySuccess);
      long[] ids = b.overflowIds.hashes();
      three.writeInt(ids.length);
      for (long h : ids) {
        three.writeLong(h);
      }
    }
    EventRefCodec.INSTANCE.writeList(s.notable, three);
    StateCodec.writeLongMap(s.accessKeys, three);
    StateCodec.writeLongMap(s.grants, three);
    three.writeLong(s.latestEventTime);
    three.writeLong(s.deadlinesJudgedUntil);
    assertThat(three.length()).isEqualTo(four.length - 7 * s.activity.size());
    return new DataInputDeserializer(three.getCopyOfBuffer());
  }

  private static PersonStateSerializer.Snapshot snapshotRoundTrip(PersonStateSerializer.Snapshot s)
      throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(16);
    s.writeSnapshot(out);
    PersonStateSerializer.Snapshot back = new PersonStateSerializer.Snapshot();
    back.readSnapshot(
        s.getCurrentVersion(),
        new DataInputDeserializer(out.getCopyOfBuffer()),
        PersonStateSerializerTest.class.getClassLoader());
    return back;
  }

  /**
   * The serializers name every field; a field added to a state class without being added to its
   * serializer would be lost at the first restore. This lists them, so that adding one fails here.
   */
  @Test
  void theSerializersKnowEveryFieldOfTheStateClasses() {
    assertThat(stateFields(PersonState.class))
        .containsExactlyInAnyOrder(
            "personId",
            "email",
            "role",
            "noticeAt",
            "departedAt",
            "status",
            "identities",
            "activity",
            "notable",
            "accessKeys",
            "grants",
            "latestEventTime",
            "deadlinesJudgedUntil");
    assertThat(stateFields(ActivityBucket.class))
        .containsExactlyInAnyOrder(
            "source",
            "hourStart",
            "refs",
            "overflowCount",
            "overflowFirst",
            "overflowLast",
            "overflowFailures",
            "overflowIds");
    assertThat(stateFields(EventRef.class))
        .containsExactlyInAnyOrder(
            "eventId",
            "time",
            "source",
            "action",
            "actionClass",
            "failed",
            "reason",
            "sourceIp",
            "identity",
            "role",
            "actorName",
            "actorApproved",
            "selfAction",
            "accessKeyId",
            "raw");
    assertThat(stateFields(IpState.class))
        .containsExactlyInAnyOrder("daysByPerson", "recent", "shared", "latest");
  }

  private static List<String> stateFields(Class<?> c) {
    return Arrays.stream(c.getDeclaredFields())
        .filter(
            f -> !Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers()))
        .map(Field::getName)
        .toList();
  }

  private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(value, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    T back = serializer.deserialize(in);
    assertThat(in.available()).as("bytes left after reading").isZero();
    return back;
  }

  private static PersonState person() {
    PersonState s = new PersonState();
    s.personId = "p-1";
    s.email = "ada@example.com";
    s.role = "engineer";
    s.noticeAt = 1_000L;
    s.departedAt = 2_000L;
    s.status = io.leaverwatch.schema.DepartureStatus.RESCINDED;
    s.identities.put("email:ada@example.com", null);
    s.identities.put("github:ada", "github");
    ActivityBucket okta = new ActivityBucket();
    okta.source = "OKTA";
    okta.hourStart = 7_200_000L;
    okta.refs.add(ref("e-1", "{\"raw\":1}"));
    okta.refs.add(ref("e-2", null));
    okta.overflowCount = 3;
    okta.overflowFirst = 7_200_001L;
    okta.overflowLast = 7_200_999L;
    okta.overflowFailures = 2;
    okta.overflowIds.add("e-201");
    okta.overflowIds.add("e-202");
    okta.overflowIds.add("e-203");
    s.activity.put(OKTA_HOUR, okta);
    ActivityBucket gh = new ActivityBucket();
    gh.source = "GITHUB";
    gh.hourStart = 3_600_000L;
    s.activity.put(GITHUB_HOUR, gh);
    s.notable.add(ref("e-3", "{\"raw\":3}"));
    s.accessKeys.put("AKIAEXAMPLE", 5L);
    s.grants.put("okta|user", 6L);
    s.latestEventTime = 7_200_999L;
    s.deadlinesJudgedUntil = 3_000L;
    return s;
  }

  private static EventRef ref(String id, String raw) {
    EventRef r = new EventRef();
    r.eventId = id;
    r.time = 7_200_500L;
    r.source = "OKTA";
    r.action = "user.session.start";
    r.actionClass = "SIGN_IN";
    r.failed = true;
    r.reason = "INVALID_CREDENTIALS";
    r.sourceIp = "198.51.100.7";
    r.identity = "ada@example.com";
    r.role = "ACTOR";
    r.actorName = "ada@example.com";
    r.actorApproved = false;
    r.selfAction = true;
    r.accessKeyId = null;
    r.raw = raw;
    return r;
  }
}
