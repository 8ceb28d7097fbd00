package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.alerting.DeliveryRecords.Delivery;
import io.leaverwatch.alerting.standin.FakePagerDuty;
import io.leaverwatch.alerting.standin.FakeSlack;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dispatcher reports for the dashboards: one record per delivery as it settles. */
class DeliveryRecordsTest {
  @TempDir Path tmp;

  static Delivery last(List<Delivery> all, String receiver) {
    Delivery d = null;
    for (Delivery x : all) {
      if (x.receiver().equals(receiver)) {
        d = x;
      }
    }
    return d;
  }

  @Test
  void everyActionIsRecordedWithItsOutcomeAttemptsAndTime() throws Exception {
    try (Harness h = new Harness(tmp, 20)) {
      List<Delivery> out = new ArrayList<>();
      Dispatcher d =
          h.dispatcher(DeliveryHooks.NONE, Dispatcher.Settings.once()).recordingTo(out::add);
      d.offer(Findings.retained("f-1", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
      d.finish();
      Delivery pd = last(out, "security-oncall");
      assertThat(pd.document())
          .containsOnlyKeys(
              "finding_id",
              "receiver",
              "channel",
              "type",
              "severity",
              "status",
              "revision",
              "last_action",
              "outcome",
              "attempts",
              "delivered_at",
              "person_id")
          .containsEntry("finding_id", "f-1")
          .containsEntry("channel", "pagerduty")
          .containsEntry("type", "RETAINED_ACCESS")
          .containsEntry("severity", "HIGH")
          .containsEntry("status", "OPEN")
          .containsEntry("revision", 1L)
          .containsEntry("last_action", "trigger")
          .containsEntry("outcome", "delivered")
          .containsEntry("attempts", 1)
          .containsEntry("delivered_at", h.time.instant().toString())
          .containsEntry("person_id", "p-0042");
      assertThat(pd.id()).isEqualTo("f-1:security-oncall");
      Delivery slack = last(out, "leavers-channel");
      assertThat(slack.channel()).isEqualTo("slack");
      assertThat(slack.lastAction()).isEqualTo("post");

      // Slack fails once (5xx), then takes the update; the resolve reaches PagerDuty
      h.slack.fault(new FakeSlack.Reply(500, Map.of(), ""));
      d.offer(Findings.retained("f-1", Severity.HIGH, 2, FindingStatus.RESOLVED), () -> {});
      d.finish();
      assertThat(out)
          .anySatisfy(
              x -> {
                assertThat(x.receiver()).isEqualTo("leavers-channel");
                assertThat(x.outcome()).isEqualTo("failing");
                assertThat(x.lastAction()).isEqualTo("update");
                assertThat(x.deliveredAt()).isNull();
              });
      slack = last(out, "leavers-channel");
      assertThat(slack.lastAction()).isEqualTo("update");
      assertThat(slack.outcome()).isEqualTo("delivered");
      assertThat(slack.attempts()).isEqualTo(2);
      assertThat(slack.status()).isEqualTo("RESOLVED");
      assertThat(slack.revision()).isEqualTo(2);
      assertThat(last(out, "security-oncall").lastAction()).isEqualTo("resolve");
    }
  }

  @Test
  void aRefusedAlertIsRecordedDeadLettered() throws Exception {
    try (Harness h = new Harness(tmp, 20)) {
      List<Delivery> out = new ArrayList<>();
      h.pd.fault(
          FakePagerDuty.Reply.json(
              400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}"));
      Dispatcher d =
          h.dispatcher(DeliveryHooks.NONE, Dispatcher.Settings.once()).recordingTo(out::add);
      d.offer(Findings.high("f-x"), () -> {});
      d.finish();
      Delivery pd = last(out, "security-oncall");
      assertThat(pd.lastAction()).isEqualTo("dead_letter");
      assertThat(pd.outcome()).isEqualTo("dead_lettered");
      assertThat(pd.deliveredAt()).isNull();
      assertThat(pd.type()).isEqualTo("POST_DEPARTURE_ACTIVITY");
    }
  }

  @Test
  void findingsOverTheBudgetAreRecordedAsDigested() throws Exception {
    try (Harness h = new Harness(tmp, 1)) {
      List<Delivery> out = new ArrayList<>();
      Dispatcher d =
          h.dispatcher(DeliveryHooks.NONE, Dispatcher.Settings.once()).recordingTo(out::add);
      for (String id : List.of("f-a", "f-b", "f-c")) {
        d.offer(Findings.high(id), () -> {});
      }
      d.finish();
      List<Delivery> digested = out.stream().filter(x -> x.lastAction().equals("digest")).toList();
      assertThat(digested).hasSize(4); // two findings past the budget, in each receiver's digest
      assertThat(digested)
          .allSatisfy(
              x -> {
                assertThat(x.outcome()).isEqualTo("delivered");
                assertThat(x.type()).isEqualTo("POST_DEPARTURE_ACTIVITY");
                assertThat(x.personId()).isEqualTo("p-0042");
                assertThat(x.deliveredAt()).isNotNull();
              });
    }
  }
}
