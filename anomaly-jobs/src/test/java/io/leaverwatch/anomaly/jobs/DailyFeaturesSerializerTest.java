package io.leaverwatch.anomaly.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.anomaly.DailyFeatures;
import io.leaverwatch.anomaly.PersonDay;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The daily-feature state: bounded per person, and the same after a round trip. */
class DailyFeaturesSerializerTest {
  private static final DailyFeaturesSerializer SERIALIZER = DailyFeaturesSerializer.INSTANCE;

  /** The history part of the state, whatever a person does: hash sets and a ring are capped. */
  private static final int HISTORY_BOUND_BYTES = 24 * 1024;

  /** One open day of the heaviest kind on top of it (per-day key sets are capped too). */
  private static final int OPEN_DAY_BOUND_BYTES = 160 * 1024;

  /**
   * A heavy user: 2,000 events a day over thousands of repositories, tables, buckets and IPs,
   * failures and night hours included, so every capped set fills up.
   */
  private static List<AuditEvent> heavyDay(int day, Random r) {
    List<AuditEvent> out = new java.util.ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      long t = Org.at(day, 0) + r.nextInt(86_400) * 1000L;
      String id = "evt-" + day + "-" + i + "-" + Long.toHexString(r.nextLong());
      String ip = "10." + r.nextInt(4) + "." + r.nextInt(200) + "." + (day % 50);
      switch (i % 5) {
        case 0 -> out.add(Org.git(id, t, "git.clone", "repo-" + r.nextInt(5_000), ip));
        case 1 ->
            out.add(
                Org.event(
                    id,
                    Source.DYNAMODB,
                    t,
                    "Scan",
                    ActionClass.DATA_ACCESS,
                    "arn:aws:dynamodb:us-east-1:123456789012:table/t" + r.nextInt(3_000),
                    ip,
                    r.nextInt(10) != 0));
        case 2 ->
            out.add(
                Org.event(
                    id,
                    Source.CLOUDTRAIL,
                    t,
                    "GetObject",
                    ActionClass.DATA_ACCESS,
                    "arn:aws:s3:::bucket-" + r.nextInt(3_000) + "/k/" + i,
                    ip,
                    true));
        case 3 -> out.add(Org.login(id, t, ip, r.nextInt(5) != 0));
        default -> out.add(Org.git(id, t, "repo.download_zip", "repo-" + r.nextInt(5_000), ip));
      }
    }
    return out;
  }

  private static byte[] bytes(DailyFeatures f) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(4096);
    SERIALIZER.serialize(f, out);
    return out.getCopyOfBuffer();
  }

  private static DailyFeatures read(byte[] b) throws IOException {
    return SERIALIZER.deserialize(new DataInputDeserializer(b));
  }

  @Test
  void ninetyHeavyDaysKeepAPersonsStateUnderItsBound() throws IOException {
    Random r = new Random(1);
    DailyFeatures f = new DailyFeatures(Org.RULES, "p-heavy");
    for (int day = 0; day < 90; day++) {
      heavyDay(day, r).forEach(f::add);
      f.closeThrough(Org.RULES.dayOf(Org.at(day, 0)));
    }
    int history = bytes(f).length;
    heavyDay(90, r).forEach(f::add);
    int withOpenDay = bytes(f).length;

    assertThat(history).isLessThan(HISTORY_BOUND_BYTES);
    assertThat(withOpenDay).isLessThan(HISTORY_BOUND_BYTES + OPEN_DAY_BOUND_BYTES);
    System.out.printf(
        "state after 90 heavy days: %d bytes; with a heavy day open: %d bytes%n",
        history, withOpenDay);
  }

  @Test
  void aRestoredStateClosesItsDaysAsTheOriginalWould() throws IOException {
    Random r = new Random(2);
    DailyFeatures original = new DailyFeatures(Org.RULES, "p001");
    for (int day = 0; day < 20; day++) {
      Org.ordinaryDay(1, day, r).forEach(original::add);
      original.closeThrough(Org.RULES.dayOf(Org.at(day, 0)));
    }
    Org.ordinaryDay(1, 21, r).forEach(original::add);
    Org.massClone(1, 21, 30, "x").forEach(original::add);

    DailyFeatures restored = read(bytes(original));
    DailyFeatures copied = SERIALIZER.copy(original);
    assertThat(restored.rules()).isNull();
    assertThat(restored.bind(Org.RULES, Org.RULES.stateFingerprint())).isTrue();

    PersonDay want = original.closeAll().get(0);
    for (DailyFeatures other : List.of(restored, copied)) {
      PersonDay got = other.closeAll().get(0);
      assertThat(got.values()).containsExactly(want.values());
      assertThat(got.ownMedian()).containsExactly(want.ownMedian());
      assertThat(got.ownSpread()).containsExactly(want.ownSpread());
      assertThat(got.evidence()).isEqualTo(want.evidence());
      assertThat(got.eventCount()).isEqualTo(want.eventCount());
    }
  }

  @Test
  void aCopyAndItsOriginalChangeApart() throws IOException {
    Random r = new Random(3);
    DailyFeatures original = new DailyFeatures(Org.RULES, "p001");
    for (int day = 0; day < 10; day++) {
      Org.ordinaryDay(1, day, r).forEach(original::add);
      original.closeThrough(Org.RULES.dayOf(Org.at(day, 0)));
    }
    Org.ordinaryDay(1, 10, r).forEach(original::add);
    byte[] before = bytes(original);

    DailyFeatures copied = SERIALIZER.copy(original);
    assertThat(bytes(copied)).isEqualTo(before);
    Org.massClone(1, 10, 30, "c").forEach(copied::add);
    Org.ordinaryDay(1, 11, r).forEach(copied::add);
    copied.closeAll();
    assertThat(bytes(original)).as("the original after the copy changed").isEqualTo(before);

    byte[] copiedBytes = bytes(copied);
    Org.massClone(1, 10, 30, "o").forEach(original::add);
    original.closeAll();
    assertThat(bytes(copied)).as("the copy after the original changed").isEqualTo(copiedBytes);
  }

  @Test
  void stateKeptUnderOtherFeatureDefinitionsIsNotBound() throws IOException {
    DailyFeatures f = new DailyFeatures(Org.RULES, "p001");
    DailyFeatures restored = read(bytes(f));

    assertThat(restored.bind(Org.RULES, Org.RULES.stateFingerprint() + 1)).isFalse();
    assertThat(restored.rules()).isNull();
  }

  @Test
  void theSnapshotRestoresTheSameSerializerAndAnUnknownLayoutIsRefused() throws IOException {
    TypeSerializerSnapshot<DailyFeatures> snap = SERIALIZER.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snap);
    TypeSerializerSnapshot<DailyFeatures> back =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

    assertThat(back.restoreSerializer()).isSameAs(SERIALIZER);
    TypeSerializerSchemaCompatibility<DailyFeatures> c =
        SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(back);
    assertThat(c.isCompatibleAsIs()).isTrue();

    byte[] b = bytes(new DailyFeatures(Org.RULES, "p001"));
    b[0] = 9;
    assertThatThrownBy(() -> read(b)).isInstanceOf(IOException.class).hasMessageContaining("9");
  }
}
