package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.Events.T0;
import static io.leaverwatch.core.detect.Events.T0_PLUS_10M;
import static io.leaverwatch.core.detect.Events.T0_PLUS_2H;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import io.leaverwatch.schema.StepState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingBoundsTest {

  private static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  static String rawEvent(int i, int bytes) {
    String head = "{\"eventID\":\"" + i + "\",\"requestParameters\":\"";
    return head + "x".repeat(bytes - head.length() - 2) + "\"}";
  }

  static Finding.Builder finding() {
    return Finding.newBuilder()
        .setFindingId("f-1")
        .setType(FindingType.POST_DEPARTURE_ACTIVITY)
        .setSeverity(Severity.HIGH)
        .setPersonId("p1")
        .setFirstSeen(T0)
        .setLastSeen(T0_PLUS_2H)
        .setRuleId("post-departure-activity")
        .setSummary("alice acted after departing");
  }

  @Test
  void tenThousandEvidenceEventsOfFiveKilobytesBecomeABoundedRecordThatSaysWhatWasLeftOut() {
    List<String> evidence = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      evidence.add(rawEvent(i, 5 * 1024));
      ids.add("evt-" + i);
    }
    Finding f =
        FindingBounds.cap(
            finding().setEventCount(10_000).setEventIds(ids).setEvidence(evidence).build());

    byte[] encoded = AvroMessages.encode(f);
    assertThat(encoded.length).isLessThan(FindingBounds.MAX_RECORD_BYTES);
    assertThat(f.getEvidence()).hasSize(FindingBounds.MAX_EVIDENCE_EVENTS);
    assertThat(f.getEvidence().get(0)).isEqualTo(evidence.get(0));
    assertThat(f.getDetails())
        .containsEntry(
            FindingBounds.EVIDENCE_OMITTED,
            (10_000 - 20) + " events, " + (10_000 - 20) * 5L * 1024 + " bytes");
    assertThat(f.getEventIds()).hasSize(FindingBounds.MAX_EVENT_IDS).startsWith("evt-0");
    assertThat(f.getEventCount()).isEqualTo(10_000);
  }

  @Test
  void evidenceIsCappedInBytesKeepingWholeEventsThatFit() {
    String big = rawEvent(1, 300 * 1024);
    String small = rawEvent(2, 1024);
    Finding f =
        FindingBounds.cap(finding().setEventCount(3).setEvidence(List.of(big, small, big)).build());

    assertThat(f.getEvidence()).containsExactly(small);
    assertThat(f.getDetails())
        .containsEntry(FindingBounds.EVIDENCE_OMITTED, "2 events, " + 2 * 300 * 1024 + " bytes");
  }

  @Test
  void aFindingWithinTheBoundsIsLeftAsItIs() {
    Finding before =
        finding()
            .setEventCount(1)
            .setEventIds(List.of("evt-1"))
            .setEvidence(List.of(rawEvent(1, 2000)))
            .setDetails(Map.of("hour", "2026-10-01T14:00:00Z"))
            .build();
    Finding after = FindingBounds.cap(Finding.newBuilder(before).build());
    assertThat(after).isEqualTo(before);
  }

  /** Every field at its limit and past it: the worst case still fits a Kafka request. */
  @Test
  void theWorstCaseFindingEncodesUnderTheRecordBound() {
    String huge = "é".repeat(100_000); // two UTF-8 bytes a char
    String wide = "€".repeat(100_000); // three
    Map<String, String> details = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      details.put(i + wide, wide);
    }
    List<String> ids = new ArrayList<>();
    List<String> evidence = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(i + wide);
      evidence.add(rawEvent(i, FindingBounds.MAX_EVIDENCE_BYTES / 20));
    }
    Finding f =
        FindingBounds.cap(
            finding()
                .setFindingId(wide)
                .setPersonId(wide)
                .setEmail(wide)
                .setRole(wide)
                .setSource(Source.CLOUDTRAIL)
                .setIdentity(wide)
                .setAction(huge)
                .setRuleId(wide)
                .setRuleVersion(wide)
                .setSummary(wide)
                .setResolution(wide)
                .setEventCount(100)
                .setEventIds(ids)
                .setDetails(details)
                .setEvidence(evidence)
                .build());

    int size = AvroMessages.encode(f).length;
    assertThat(size).isLessThan(FindingBounds.MAX_RECORD_BYTES);
    assertThat(size).isLessThan(KAFKA_DEFAULT_MAX_REQUEST_SIZE / 2);
    assertThat(f.getIdentity())
        .hasSize(FindingBounds.MAX_TEXT_CHARS)
        .endsWith("100000 chars, cut]");
    assertThat(f.getDetails()).containsEntry(FindingBounds.DETAILS_OMITTED, "68");
    assertThat(f.getEvidence()).hasSize(FindingBounds.MAX_EVIDENCE_EVENTS);
  }

  @Test
  void aStepStatusIsBoundedToo() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add("evt-" + i);
    }
    OffboardingStepStatus s =
        FindingBounds.cap(
            OffboardingStepStatus.newBuilder()
                .setStatusId("s-1")
                .setPersonId("p1")
                .setSystem("okta")
                .setStepId("okta-deactivate")
                .setStatus(StepState.FAILED)
                .setDepartedAt(T0)
                .setDeadline(T0_PLUS_10M)
                .setEvidenceEventIds(ids)
                .setRuleId("r")
                .setDetail("500 failed attempt(s), last: " + "x".repeat(1_000_000))
                .build());
    assertThat(AvroMessages.encode(s).length).isLessThan(64 * 1024);
    assertThat(s.getEvidenceEventIds()).hasSize(FindingBounds.MAX_EVENT_IDS);
    assertThat(s.getDetail())
        .startsWith("500 failed attempt(s)")
        .hasSize(FindingBounds.MAX_TEXT_CHARS);
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String emoji = "😀".repeat(5000);
    String cut = FindingBounds.text(emoji, 100);
    assertThat(cut.length()).isLessThanOrEqualTo(100);
    assertThat(Character.isHighSurrogate(cut.charAt(cut.indexOf('…') - 1))).isFalse();
  }

  /** Through the detector: three raw events of 200 KiB made a finding over the bound. */
  @Test
  void aPostDepartureFindingOfHugeRawEventsStaysUnderTheBound() {
    InMemoryDetection d =
        PersonDetectorTest.aliceOkta(InMemoryDetection.bounded())
            .departure(PersonDetectorTest.ALICE)
            .events(PersonDetectorTest.deactivate(T0_PLUS_10M));
    for (int i = 0; i < 3; i++) {
      d.events(PersonDetectorTest.session(T0_PLUS_2H.plusSeconds(i)).raw(rawEvent(i, 200 * 1024)));
    }
    d.end(null);

    Finding f = d.of(FindingType.POST_DEPARTURE_ACTIVITY).get(0);
    assertThat(f.getEventCount()).isEqualTo(3);
    assertThat(f.getEvidence()).hasSize(1);
    assertThat(AvroMessages.encode(f).length).isLessThan(FindingBounds.MAX_RECORD_BYTES);
    assertThat(f.getDetails())
        .containsEntry(FindingBounds.EVIDENCE_OMITTED, "2 events, " + 2 * 200 * 1024 + " bytes");
  }
}
