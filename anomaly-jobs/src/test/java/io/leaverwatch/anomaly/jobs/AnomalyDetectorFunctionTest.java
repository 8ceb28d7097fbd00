package io.leaverwatch.anomaly.jobs;

import static io.leaverwatch.anomaly.jobs.Org.LEAVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.anomaly.AnomalyFindings;
import io.leaverwatch.anomaly.AnomalyModel;
import io.leaverwatch.anomaly.ModelDirectory;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.PersonSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming detector on one leaver's days, fed as the identity resolver sends them: each day's
 * events, then the watermark past its end. Models are trained on the other people of the role.
 */
class AnomalyDetectorFunctionTest {
  private static final int CLONE_DAY = 43;
  private static final int CLONES = 46;

  private static AnomalyModel modelA;
  private static AnomalyModel modelB;

  @TempDir Path tmp;

  @BeforeAll
  static void train() {
    modelA = Org.train(7);
    modelB = Org.train(8);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, PersonSignal, Finding> harness(
      Path modelDir) throws Exception {
    var h = unopened(modelDir);
    h.open();
    return h;
  }

  /** The detector as the streaming job runs it (its operator folds pending events). */
  private static KeyedOneInputStreamOperatorTestHarness<String, PersonSignal, Finding> unopened(
      Path modelDir) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new AnomalyDetectorOperator(new AnomalyDetectorFunction(modelDir.toString(), 0)),
        PersonSignal::getPersonId,
        Types.STRING);
  }

  /**
   * Feeds the leaver's days 0..{@link Org#DEPARTURE_DAY} (and one event after departure), each
   * closed by the watermark at its end; {@code beforeDay} runs before a day's events.
   */
  private static List<List<Finding>> run(
      KeyedOneInputStreamOperatorTestHarness<String, PersonSignal, Finding> h,
      IntConsumer beforeDay,
      int... cloneDays)
      throws Exception {
    Departure d = Org.departure();
    Random r = new Random(99);
    h.processElement(new StreamRecord<>(Org.departureSignal(d), Long.MIN_VALUE));
    List<List<Finding>> byDay = new ArrayList<>();
    for (int day = 0; day <= Org.DEPARTURE_DAY; day++) {
      beforeDay.accept(day);
      List<AuditEvent> events = Org.ordinaryDay(0, day, r);
      for (int c : cloneDays) {
        if (c == day) {
          events.addAll(Org.massClone(0, day, CLONES, "d" + day));
        }
      }
      for (AuditEvent e : events) {
        h.processElement(
            new StreamRecord<>(Org.actor(e, LEAVER, d), e.getEventTime().toEpochMilli()));
      }
      int before = h.extractOutputValues().size();
      assertThat(before).as("nothing before the end of day %d", day).isEqualTo(sum(byDay));
      h.processWatermark(new Watermark(Org.endOf(day)));
      List<Finding> all = h.extractOutputValues();
      byDay.add(new ArrayList<>(all.subList(before, all.size())));
    }
    AuditEvent after = Org.git("after", Org.at(Org.DEPARTURE_DAY, 20), "git.clone", "x", "1.2.3.4");
    h.processElement(
        new StreamRecord<>(Org.actor(after, LEAVER, d), Org.at(Org.DEPARTURE_DAY, 20)));
    h.processWatermark(new Watermark(Org.endOf(Org.DEPARTURE_DAY + 1)));
    return byDay;
  }

  private static int sum(List<List<Finding>> byDay) {
    return byDay.stream().mapToInt(List::size).sum();
  }

  @Test
  void aMassCloneBeforeDepartureIsOneFindingAtTheEndOfItsDayAndOrdinaryDaysAreNone()
      throws Exception {
    Path dir = tmp.resolve("model");
    String version = Org.save(modelA, dir);
    try (var h = harness(dir)) {
      List<List<Finding>> byDay = run(h, day -> {}, CLONE_DAY);

      for (int day = 0; day < byDay.size(); day++) {
        if (day != CLONE_DAY) {
          assertThat(byDay.get(day)).as("findings of day %d", day).isEmpty();
        }
      }
      assertThat(byDay.get(CLONE_DAY)).hasSize(1);
      Finding f = byDay.get(CLONE_DAY).get(0);
      assertThat(f.getType()).isEqualTo(FindingType.ANOMALOUS_ACTIVITY);
      assertThat(f.getPersonId()).isEqualTo(LEAVER);
      assertThat(f.getDetails()).containsEntry("day", date(CLONE_DAY));
      assertThat(f.getDetails()).containsEntry("model_version", version);
      assertThat(f.getSummary()).containsPattern("git\\.clone: 4[6-9] in a day");
      assertThat(f.getFindingId())
          .isEqualTo(
              AnomalyFindings.findingId(
                  LEAVER, modelA.rules().ruleId(), modelA.rules().dayOf(Org.at(CLONE_DAY, 0))));
      assertThat(f.getEventIds()).allMatch(id -> id.startsWith("d" + CLONE_DAY + "-clone-"));
      // the leaver's window is over: their state and timers are gone
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aJobRestoredFromASnapshotTakenInTheMiddleOfADayCountsEveryEventOfItOnce() throws Exception {
    Path dir = tmp.resolve("model");
    Org.save(modelA, dir);
    Departure d = Org.departure();
    Random r = new Random(99);
    List<AuditEvent> clones = Org.massClone(0, CLONE_DAY, CLONES, "d" + CLONE_DAY);
    int half = CLONES / 2;
    OperatorSubtaskState snapshot;
    try (var h = harness(dir)) {
      h.processElement(new StreamRecord<>(Org.departureSignal(d), Long.MIN_VALUE));
      for (int day = 0; day < CLONE_DAY; day++) {
        feed(h, Org.ordinaryDay(0, day, r), d);
        h.processWatermark(new Watermark(Org.endOf(day)));
      }
      feed(h, Org.ordinaryDay(0, CLONE_DAY, r), d);
      feed(h, clones.subList(0, half), d);
      snapshot = h.snapshot(1, Org.at(CLONE_DAY, 12));
      // what the first job does after its snapshot is lost with it, and must not be in it
      feed(h, Org.massClone(0, CLONE_DAY, 30, "lost"), d);
      assertThat(h.extractOutputValues()).isEmpty();
    }
    try (var h = unopened(dir)) {
      h.initializeState(snapshot);
      h.open();
      feed(h, clones.subList(half, CLONES), d);
      h.processWatermark(new Watermark(Org.endOf(CLONE_DAY)));

      List<Finding> out = h.extractOutputValues();
      assertThat(out).hasSize(1);
      assertThat(out.get(0).getSummary()).containsPattern("git\\.clone: 4[6-9] in a day");
      assertThat(out.get(0).getEventIds()).noneMatch(id -> id.startsWith("lost"));
    }
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, PersonSignal, Finding> h,
      List<AuditEvent> events,
      Departure d)
      throws Exception {
    for (AuditEvent e : events) {
      h.processElement(
          new StreamRecord<>(Org.actor(e, LEAVER, d), e.getEventTime().toEpochMilli()));
    }
  }

  @Test
  void aNewModelScoresTheNextDayAndABadOneIsRefusedWhileTheOldOneStays() throws Exception {
    Path dir = tmp.resolve("model");
    String a = Org.save(modelA, dir);
    String b = Org.save(modelB, tmp.resolve("next"));
    int swapDay = 42;
    int breakDay = 45;
    try (var h = harness(dir)) {
      List<List<Finding>> byDay =
          run(
              h,
              day -> {
                if (day == swapDay) {
                  copyOver(tmp.resolve("next"), dir);
                }
                if (day == breakDay) {
                  write(dir.resolve(ModelDirectory.MODEL), "not a model");
                }
              },
              40,
              44,
              47);

      assertThat(a).isNotEqualTo(b);
      assertThat(version(byDay.get(40))).isEqualTo(a);
      assertThat(version(byDay.get(44))).isEqualTo(b);
      assertThat(version(byDay.get(47))).isEqualTo(b);
    }
  }

  @Test
  void withoutAValidModelAtStartNothingIsScoredAndTheFirstValidOneIsPickedUp() throws Exception {
    Path dir = tmp.resolve("model");
    Files.createDirectories(dir);
    try (var h = harness(dir)) {
      List<List<Finding>> byDay =
          run(
              h,
              day -> {
                if (day == 30) {
                  try {
                    Org.save(modelA, dir);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }
              },
              CLONE_DAY);

      assertThat(byDay.get(CLONE_DAY)).hasSize(1);
    }
  }

  private static String version(List<Finding> findings) {
    assertThat(findings).hasSize(1);
    return findings.get(0).getDetails().get("model_version");
  }

  private static String date(int day) {
    return java.time.LocalDate.ofInstant(
            java.time.Instant.ofEpochMilli(Org.at(day, 0)), java.time.ZoneOffset.UTC)
        .toString();
  }

  private static void copyOver(Path from, Path to) {
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(Path p, String s) {
    try {
      Files.writeString(p, s);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
