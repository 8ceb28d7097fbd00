package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.alerting.ledger.Ledger;
import io.leaverwatch.alerting.ledger.LedgerEntry;
import io.leaverwatch.alerting.routes.AlertRoutes.Kind;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerAndPlannerTest {
  @TempDir Path state;

  static LedgerEntry delivered(
      String id, String receiver, long rev, String status, String sev, String ts) {
    return new LedgerEntry(
        id,
        receiver,
        rev,
        status,
        sev,
        LedgerEntry.State.DELIVERED,
        ts,
        ts == null ? null : "C1",
        null,
        0);
  }

  @Test
  void theLedgerSurvivesARestartAndTheLastLineOfAKeyWins() {
    try (Ledger l = Ledger.open(state)) {
      l.put(delivered("f", "slack", 1, "OPEN", "HIGH", "1.1"));
      l.put(delivered("f", "slack", 2, "OPEN", "HIGH", "1.1"));
      l.put(delivered("f", "pd", 1, "OPEN", "HIGH", null));
    }
    try (Ledger l = Ledger.open(state)) {
      assertThat(l.size()).isEqualTo(2);
      assertThat(l.get("f", "slack").orElseThrow().revision()).isEqualTo(2);
      assertThat(l.get("f", "slack").orElseThrow().ts()).isEqualTo("1.1");
    }
  }

  @Test
  void aDigestIntentSurvivesARestartAndAnOlderIntentLineStillReads() throws Exception {
    LedgerEntry pending =
        new LedgerEntry(
            "g",
            "slack",
            3,
            "OPEN",
            "LOW",
            LedgerEntry.State.DIGEST_PENDING,
            null,
            null,
            "LOW POST_DEPARTURE_ACTIVITY p-1 \u2014 finding g",
            5);
    try (Ledger l = Ledger.open(state)) {
      l.put(pending.withIntent(LedgerEntry.Intent.digest(pending, "digest-0123", 1_000, 7)));
      l.put(delivered("f", "slack", 1, "OPEN", "HIGH", null));
    }
    // an intent line as written before digests had intents: no digest_id, no digest_window
    Files.writeString(
        state.resolve(Ledger.FILE_NAME),
        "{\"finding_id\":\"f\",\"receiver\":\"slack\",\"revision\":-1,\"state\":\"NONE\","
            + "\"at\":9,\"intent\":true,\"pending\":{\"action\":\"POST\",\"revision\":1,"
            + "\"status\":\"OPEN\",\"severity\":\"HIGH\",\"at\":9}}\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (Ledger l = Ledger.open(state)) {
      LedgerEntry.Intent d = l.get("g", "slack").orElseThrow().intent();
      assertThat(d.isDigest()).isTrue();
      assertThat(d.digestId()).isEqualTo("digest-0123");
      assertThat(d.digestWindowMillis()).isEqualTo(1_000);
      assertThat(d.revision()).isEqualTo(3);
      LedgerEntry.Intent post = l.get("f", "slack").orElseThrow().intent();
      assertThat(post.action()).isEqualTo("POST");
      assertThat(post.digestId()).isNull();
      assertThat(post.isDigest()).isFalse();
    }
  }

  @Test
  void aDigestIdDependsOnTheReceiverWindowAndMembersAtTheirRevisionsOnly() {
    Instant w = Instant.parse("2026-03-02T10:00:00Z");
    String id = Dispatcher.digestId("slack", w, List.of("a@1", "b@2"));
    assertThat(id).matches("digest-[0-9a-f]{16}");
    assertThat(Dispatcher.digestId("slack", w, List.of("b@2", "a@1"))).isEqualTo(id);
    assertThat(Dispatcher.digestId("slack", w, List.of("a@1", "b@3"))).isNotEqualTo(id);
    assertThat(Dispatcher.digestId("slack", w, List.of("a@1"))).isNotEqualTo(id);
    assertThat(Dispatcher.digestId("pd", w, List.of("a@1", "b@2"))).isNotEqualTo(id);
    assertThat(Dispatcher.digestId("slack", w.plusSeconds(1), List.of("a@1", "b@2")))
        .isNotEqualTo(id);
  }

  @Test
  void aLineTornByAKillMidWriteIsDroppedNotFatal() throws Exception {
    try (Ledger l = Ledger.open(state)) {
      l.put(delivered("f", "slack", 1, "OPEN", "HIGH", "1.1"));
    }
    Files.writeString(
        state.resolve(Ledger.FILE_NAME),
        "{\"finding_id\":\"g\",\"recei",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (Ledger l = Ledger.open(state)) {
      assertThat(l.size()).isEqualTo(1);
      assertThat(l.get("g", "slack")).isEmpty();
    }
  }

  @Test
  void aLedgerMostlyOfSupersededLinesIsCompactedOnOpen() throws Exception {
    try (Ledger l = Ledger.open(state)) {
      for (int i = 1; i <= 1500; i++) {
        l.putDeferred(delivered("f", "slack", i, "OPEN", "HIGH", "1.1"));
      }
    }
    try (Ledger l = Ledger.open(state)) {
      assertThat(l.get("f", "slack").orElseThrow().revision()).isEqualTo(1500);
    }
    assertThat(Files.readAllLines(state.resolve(Ledger.FILE_NAME))).hasSize(1);
  }

  @Test
  void theLedgerHoldsNoSecretAndNoFindingText() throws Exception {
    try (Ledger l = Ledger.open(state)) {
      l.put(delivered("f", "leavers-channel", 1, "OPEN", "HIGH", "1.1"));
    }
    String text = Files.readString(state.resolve(Ledger.FILE_NAME));
    assertThat(text).doesNotContain("xoxb").doesNotContain("summary");
  }

  @Test
  void thePlannerActsOnTheNewestRevisionOnly() {
    var open1 = Findings.retained("f", Severity.HIGH, 1, FindingStatus.OPEN);
    var open2 = Findings.retained("f", Severity.HIGH, 2, FindingStatus.OPEN);
    var crit3 = Findings.retained("f", Severity.CRITICAL, 3, FindingStatus.OPEN);
    var resolved4 = Findings.retained("f", Severity.CRITICAL, 4, FindingStatus.RESOLVED);
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, open1, Optional.empty()))
        .isEqualTo(Action.TRIGGER);
    assertThat(DeliveryPlanner.plan(Kind.SLACK, open1, Optional.empty())).isEqualTo(Action.POST);
    var pdAt1 = Optional.of(delivered("f", "pd", 1, "OPEN", "HIGH", null));
    var slackAt1 = Optional.of(delivered("f", "s", 1, "OPEN", "HIGH", "1.1"));
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, open1, pdAt1)).isEqualTo(Action.NOTHING);
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, open2, pdAt1)).isEqualTo(Action.NOTHING);
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, crit3, pdAt1)).isEqualTo(Action.TRIGGER);
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, resolved4, pdAt1)).isEqualTo(Action.RESOLVE);
    assertThat(DeliveryPlanner.plan(Kind.SLACK, open2, slackAt1)).isEqualTo(Action.UPDATE);
    assertThat(DeliveryPlanner.plan(Kind.SLACK, resolved4, slackAt1)).isEqualTo(Action.UPDATE);
    var pdResolvedAt4 = Optional.of(delivered("f", "pd", 4, "RESOLVED", "CRITICAL", null));
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, crit3, pdResolvedAt4))
        .isEqualTo(Action.NOTHING);
    var reopened5 = Findings.retained("f", Severity.HIGH, 5, FindingStatus.OPEN);
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, reopened5, pdResolvedAt4))
        .isEqualTo(Action.TRIGGER);
    assertThat(DeliveryPlanner.plan(Kind.PAGERDUTY, resolved4, Optional.empty()))
        .isEqualTo(Action.NOTHING);
  }
}
