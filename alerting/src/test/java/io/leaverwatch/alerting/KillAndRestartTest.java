package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.alerting.ledger.Ledger;
import io.leaverwatch.alerting.ledger.LedgerEntry;
import io.leaverwatch.alerting.render.FindingLinks;
import io.leaverwatch.alerting.send.AlertSender;
import io.leaverwatch.alerting.send.Outcome;
import io.leaverwatch.alerting.standin.FakeSlack;
import io.leaverwatch.alerting.standin.StandInServer;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher killed at every step of a delivery (before the intent, after it and before the
 * request, after the request and before the ledger has it, after the ledger and before the offset
 * or the end of a --once run), for each receiver, then restarted over the same ledger with the
 * uncommitted finding read again: each channel shows one message per finding, and PagerDuty sees no
 * trigger beyond the first and the severity rises, at most one identical repeat it folds in. The
 * same for a digest: one message per receiver, every member recorded once.
 */
class KillAndRestartTest {
  static final List<String> STEPS =
      List.of(Crash.BEFORE_INTENT, Crash.BEFORE_SEND, Crash.AFTER_SEND, Crash.AFTER_LEDGER);
  static final List<String> RECEIVERS = List.of("leavers-channel", "security-oncall");

  @TempDir Path tmp;

  static Dispatcher.Settings once() {
    return Dispatcher.Settings.once();
  }

  @Test
  void killedAtEveryStepOfAFirstDeliveryEachReceiverIsToldOnce() throws Exception {
    for (String receiver : RECEIVERS) {
      for (String step : STEPS) {
        String what = step + " @ " + receiver;
        try (Harness h = new Harness(tmp.resolve(receiver + "-" + step), 20)) {
          Finding f = Findings.high("f-" + step);
          AtomicInteger done = new AtomicInteger();
          Dispatcher d = h.dispatcher(Crash.at(step, receiver), once());
          try {
            d.offer(f, done::incrementAndGet);
            d.finish();
            throw new AssertionError("no crash at " + what);
          } catch (Crash.Simulated expected) {
            // the process dies here
          }
          assertThat(done.get()).as("%s: offset not committed", what).isZero();

          Dispatcher again = h.restart(once());
          again.offer(f, done::incrementAndGet); // the uncommitted record is read again
          again.finish();
          assertThat(done.get()).as(what).isEqualTo(1);
          assertThat(h.slack.posted()).as("%s: Slack posts", what).isEqualTo(1);
          assertThat(h.slack.messages()).as(what).hasSize(1);
          assertThat(h.pd.alerts()).as(what).containsOnlyKeys(f.getFindingId());
          assertThat(h.pd.distinctTriggers()).as("%s: PagerDuty triggers", what).isEqualTo(1);
          boolean sentUnrecorded = step.equals(Crash.AFTER_SEND);
          assertThat(h.pd.repeatedTriggers())
              .as("%s: identical repeats", what)
              .isEqualTo(sentUnrecorded && receiver.equals("security-oncall") ? 1 : 0);
          assertThat(h.stats.slackAdopted.get())
              .as("%s: Slack message found by its metadata", what)
              .isEqualTo(sentUnrecorded && receiver.equals("leavers-channel") ? 1 : 0);
          assertThat(h.ledger.entries())
              .as(what)
              .allSatisfy(
                  e -> {
                    assertThat(e.state()).isEqualTo(LedgerEntry.State.DELIVERED);
                    assertThat(e.intent()).isNull();
                  });

          // and from now on the ledger has it all: a third run sends nothing
          int pdRequests = h.pd.requests().size();
          int slackRequests = h.slack.requests().size();
          Dispatcher third = h.restart(once());
          third.offer(f, () -> {});
          third.finish();
          assertThat(h.pd.requests()).as(what).hasSize(pdRequests);
          assertThat(h.slack.requests()).as(what).hasSize(slackRequests);
        }
      }
    }
  }

  /**
   * Budget 1: g-1 goes out on its own, g-2 and g-3 in one digest per receiver, and the kill comes
   * at a step of that digest. A kill after Slack accepted the digest and before the ledger has it
   * is the case a digest without a write-ahead intent would post twice.
   */
  @Test
  void killedAtEveryStepOfADigestEachReceiverGetsThatDigestOnce() throws Exception {
    List<String> members = List.of("g-2", "g-3");
    for (String receiver : RECEIVERS) {
      for (String step : STEPS) {
        String what = "digest " + step + " @ " + receiver;
        try (Harness h = new Harness(tmp.resolve("digest-" + receiver + "-" + step), 1)) {
          List<Finding> fs =
              List.of(Findings.high("g-1"), Findings.high("g-2"), Findings.high("g-3"));
          List<DeliveryRecords.Delivery> records = new ArrayList<>();
          Dispatcher d = h.dispatcher(Crash.atDigest(step, receiver), once());
          d.recordingTo(records::add);
          try {
            fs.forEach(f -> d.offer(f, () -> {}));
            d.finish();
            throw new AssertionError("no crash at " + what);
          } catch (Crash.Simulated expected) {
            // the process dies here
          }

          Dispatcher again = h.restart(once()).recordingTo(records::add);
          fs.forEach(f -> again.offer(f, () -> {})); // read again: nothing was committed
          again.finish();

          List<FakeSlack.Message> digests = slackDigests(h);
          assertThat(digests).as("%s: Slack digests", what).hasSize(1);
          String listed = digests.get(0).body.path("blocks").toString();
          for (String m : members) {
            assertThat(listed.split("finding " + m, -1))
                .as("%s: %s listed once", what, m)
                .hasSize(2);
          }
          assertThat(listed).as(what).doesNotContain("finding g-1");
          assertThat(h.slack.posted()).as("%s: g-1 and the digest", what).isEqualTo(2);
          assertThat(
                  h.pd.alerts().keySet().stream().filter(k -> k.startsWith("leaverwatch-digest:")))
              .as("%s: PagerDuty digests", what)
              .hasSize(1);
          assertThat(h.pd.distinctTriggers()).as("%s: PagerDuty triggers", what).isEqualTo(2);
          boolean sentUnrecorded = step.equals(Crash.AFTER_SEND);
          assertThat(h.pd.repeatedTriggers())
              .as("%s: identical repeats", what)
              .isEqualTo(sentUnrecorded && receiver.equals("security-oncall") ? 1 : 0);
          assertThat(h.stats.slackAdopted.get())
              .as("%s: the digest found by its metadata", what)
              .isEqualTo(sentUnrecorded && receiver.equals("leavers-channel") ? 1 : 0);
          for (String r : RECEIVERS) {
            for (String m : members) {
              LedgerEntry e = h.ledger.get(m, r).orElseThrow();
              assertThat(e.state())
                  .as("%s: %s for %s", what, m, r)
                  .isEqualTo(LedgerEntry.State.DIGESTED);
              assertThat(e.intent()).as("%s: %s for %s", what, m, r).isNull();
              assertThat(records)
                  .as("%s: %s recorded for %s", what, m, r)
                  .filteredOn(x -> x.findingId().equals(m) && x.receiver().equals(r))
                  .singleElement()
                  .satisfies(
                      x -> {
                        assertThat(x.lastAction()).isEqualTo("digest");
                        assertThat(x.outcome()).isEqualTo("delivered");
                      });
            }
          }
          assertThat(h.dlq).as(what).isEmpty();

          int pdRequests = h.pd.requests().size();
          int slackRequests = h.slack.requests().size();
          Dispatcher third = h.restart(once());
          fs.forEach(f -> third.offer(f, () -> {}));
          third.finish();
          assertThat(h.pd.requests()).as(what).hasSize(pdRequests);
          assertThat(h.slack.requests()).as(what).hasSize(slackRequests);
        }
      }
    }
  }

  /**
   * The kill comes from outside the dispatcher, the moment Slack has answered the digest's post: no
   * hook placement decides where it lands.
   */
  @Test
  void killedTheMomentSlackAcceptedADigestARestartDoesNotPostItAgain() throws Exception {
    try (Harness h = new Harness(tmp, 1)) {
      Map<String, AlertSender> senders =
          new HashMap<>(Secrets.senders(h.routes, h.env(), h.pd.baseUrl(), h.slack.baseUrl()));
      AlertSender slack = senders.get("leavers-channel");
      senders.put(
          "leavers-channel",
          new AlertSender() {
            @Override
            public Outcome send(String method, ObjectNode body) {
              Outcome o = slack.send(method, body);
              if (body.path("text").asText().startsWith("Leaverwatch digest")) {
                throw new Crash.Simulated("after Slack accepted the digest");
              }
              return o;
            }
          });
      h.ledger = Ledger.open(h.state);
      Dispatcher d =
          new Dispatcher(
              h.routes,
              senders,
              h.ledger,
              h.dlq::add,
              FindingLinks.NONE,
              h.time,
              h.time,
              DeliveryHooks.NONE,
              once(),
              h.stats,
              null);
      List<Finding> fs = List.of(Findings.high("g-1"), Findings.high("g-2"), Findings.high("g-3"));
      try {
        fs.forEach(f -> d.offer(f, () -> {}));
        d.finish();
        throw new AssertionError("no crash");
      } catch (Crash.Simulated expected) {
        // killed with the digest in the channel and not in the ledger
      }
      assertThat(h.slack.posted()).isEqualTo(2);
      Dispatcher again = h.restart(once());
      fs.forEach(f -> again.offer(f, () -> {}));
      again.finish();
      assertThat(h.slack.posted()).as("Slack posts: g-1 and one digest").isEqualTo(2);
      assertThat(h.stats.slackAdopted.get()).isEqualTo(1);
    }
  }

  @Test
  void aDigestPostAnswered500IsLookedUpBeforeItIsPostedAgain() throws Exception {
    try (Harness h = new Harness(tmp, 1)) {
      Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
      List.of("g-1", "g-2", "g-3").forEach(id -> d.offer(Findings.high(id), () -> {}));
      d.drain(false, h.time.instant()); // g-1 goes out; the digest waits for its window
      assertThat(h.slack.posted()).isEqualTo(1);
      h.slack.fault(StandInServer.Reply.json(500, "{\"ok\":false}"));
      d.finish();
      assertThat(h.slack.historyRequests()).as("the retry looked first").isEqualTo(1);
      assertThat(slackDigests(h)).hasSize(1);
      assertThat(h.slack.posted()).isEqualTo(2);
      assertThat(h.dlq).isEmpty();
    }
  }

  @Test
  void aDigestLedgerWrittenBeforeDigestsHadIntentsStillReads() throws Exception {
    try (Harness h = new Harness(tmp, 1)) {
      Files.createDirectories(h.state);
      // a line as an older dispatcher wrote it: a promised finding, no digest id anywhere
      Files.writeString(
          h.state.resolve(Ledger.FILE_NAME),
          "{\"finding_id\":\"g-old\",\"receiver\":\"leavers-channel\",\"revision\":1,"
              + "\"status\":\"OPEN\",\"severity\":\"HIGH\",\"state\":\"DIGEST_PENDING\","
              + "\"digest_line\":\"HIGH POST_DEPARTURE_ACTIVITY p-0042 \u2014 finding g-old\","
              + "\"at\":1,\"intent\":false}\n");
      Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
      d.finish();
      assertThat(slackDigests(h)).hasSize(1);
      assertThat(h.ledger.get("g-old", "leavers-channel").orElseThrow().state())
          .isEqualTo(LedgerEntry.State.DIGESTED);
    }
  }

  static List<FakeSlack.Message> slackDigests(Harness h) {
    return h.slack.messages().stream()
        .filter(
            m -> m.body.path("metadata").path("event_type").asText().equals("leaverwatch_digest"))
        .toList();
  }

  @Test
  void theSlackMessageCarriesMetadataThatFindsItAgain() throws Exception {
    try (Harness h = new Harness(tmp, 20)) {
      Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
      d.offer(Findings.retained("f-md", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
      d.finish();
      d.offer(Findings.retained("f-md", Severity.HIGH, 2, FindingStatus.OPEN), () -> {});
      d.finish();
      JsonNode md = h.slack.messages().get(0).body.path("metadata");
      assertThat(md.path("event_type").asText()).isEqualTo("leaverwatch_finding");
      assertThat(md.path("event_payload").path("finding_id").asText()).isEqualTo("f-md");
      assertThat(md.path("event_payload").path("receiver").asText()).isEqualTo("leavers-channel");
      assertThat(md.path("event_payload").path("revision").asLong()).isEqualTo(2);
    }
  }

  @Test
  void killedAfterThePostARestartWithANewerRevisionUpdatesThatMessageInstead() throws Exception {
    try (Harness h = new Harness(tmp, 20)) {
      Dispatcher d = h.dispatcher(Crash.at(Crash.AFTER_SEND, "leavers-channel"), once());
      try {
        d.offer(Findings.retained("f-r", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
        d.finish();
      } catch (Crash.Simulated expected) {
        // killed after Slack accepted the post
      }
      Dispatcher again = h.restart(once());
      again.offer(Findings.retained("f-r", Severity.HIGH, 2, FindingStatus.RESOLVED), () -> {});
      again.finish();
      assertThat(h.slack.posted()).isEqualTo(1);
      assertThat(h.slack.updated()).isEqualTo(1);
      assertThat(h.slack.messages()).hasSize(1);
      assertThat(
              h.slack
                  .messages()
                  .get(0)
                  .body
                  .path("blocks")
                  .get(0)
                  .path("text")
                  .path("text")
                  .asText())
          .startsWith("RESOLVED");
      // PagerDuty was paged before the kill and resolved now, or never paged for a closed case
      assertThat(h.pd.alerts().values())
          .allSatisfy(a -> assertThat(a.status).isEqualTo("resolved"));
    }
  }

  @Test
  void killedWhileTriggeringARisenSeverityRepeatsOnlyThatTrigger() throws Exception {
    try (Harness h = new Harness(tmp, 20)) {
      Dispatcher d = h.dispatcher(Crash.at(Crash.AFTER_SEND, "security-oncall"), once());
      d.offer(Findings.retained("f-s", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
      try {
        d.finish();
      } catch (Crash.Simulated expected) {
        // killed after the first trigger
      }
      Dispatcher again = h.restart(once());
      again.offer(Findings.retained("f-s", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
      again.finish();
      Dispatcher.Settings s = once();
      Dispatcher third =
          h.dispatcher(Crash.at(Crash.AFTER_SEND, "security-oncall"), s); // a second kill
      Finding critical = Findings.retained("f-s", Severity.CRITICAL, 2, FindingStatus.OPEN);
      third.offer(critical, () -> {});
      try {
        third.finish();
      } catch (Crash.Simulated expected) {
        // killed after the severity-rise trigger
      }
      Dispatcher fourth = h.restart(once());
      fourth.offer(critical, () -> {});
      fourth.finish();
      // high, its repeat, critical, its repeat: two triggers PagerDuty shows, two folded in
      assertThat(h.pd.distinctTriggers()).isEqualTo(2);
      assertThat(h.pd.repeatedTriggers()).isEqualTo(2);
      assertThat(h.pd.alerts().get("f-s").severity).isEqualTo("critical");
      assertThat(h.slack.posted()).isEqualTo(1);
      assertThat(h.slack.updated()).isEqualTo(1);
    }
  }

  @Test
  void theLookupPagesThroughABusyChannelAtNonMarketplaceLimitsWithoutPostingAgain()
      throws Exception {
    try (Harness h = new Harness(tmp, 20)) {
      h.slack.historyLimits(1, 15);
      Finding f = Findings.high("f-busy");
      Dispatcher d = h.dispatcher(Crash.at(Crash.AFTER_SEND, "leavers-channel"), once());
      try {
        d.offer(f, () -> {});
        d.finish();
      } catch (Crash.Simulated expected) {
        // killed after the post
      }
      for (int i = 0; i < 40; i++) {
        h.slack.postOther("#sec-leavers", "someone else talking " + i);
      }
      Dispatcher again = h.restart(once());
      again.offer(f, () -> {});
      again.finish();
      assertThat(h.slack.posted()).isEqualTo(1);
      assertThat(h.stats.slackAdopted.get()).isEqualTo(1);
      // 41 messages at 15 a page: the third page has ours; one a minute means two 429s waited out
      assertThat(h.slack.historyRequests() - h.slack.historyRateLimited()).isEqualTo(3);
      assertThat(h.slack.historyRateLimited()).isEqualTo(2);
      assertThat(h.dlq).isEmpty();
    }
  }
}
