package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.alerting.standin.FakePagerDuty;
import io.leaverwatch.alerting.standin.FakeSlack;
import io.leaverwatch.alerting.standin.StandInServer;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTest {
  @TempDir Path tmp;
  Harness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new Harness(tmp, 20);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  static Dispatcher.Settings once() {
    return Dispatcher.Settings.once();
  }

  @Test
  void aFindingPagesOnceUpdatesItsSlackMessageInPlaceAndResolvesBoth() throws Exception {
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
    d.offer(Findings.retained("f-1", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
    d.finish();
    assertThat(h.pd.triggers()).isEqualTo(1);
    assertThat(h.slack.posted()).isEqualTo(1);

    // a later revision, same severity: no second page, the message is updated
    d.offer(Findings.retained("f-1", Severity.HIGH, 2, FindingStatus.OPEN), () -> {});
    d.finish();
    assertThat(h.pd.triggers()).isEqualTo(1);
    assertThat(h.slack.posted()).isEqualTo(1);
    assertThat(h.slack.updated()).isEqualTo(1);

    // severity rises: PagerDuty is triggered again on the same dedup_key
    d.offer(Findings.retained("f-1", Severity.CRITICAL, 3, FindingStatus.OPEN), () -> {});
    d.finish();
    assertThat(h.pd.triggers()).isEqualTo(2);
    assertThat(h.pd.alerts()).containsOnlyKeys("f-1");
    assertThat(h.pd.alerts().get("f-1").severity).isEqualTo("critical");

    // the revocation lands: resolve in PagerDuty, the one message now says resolved
    d.offer(Findings.retained("f-1", Severity.CRITICAL, 4, FindingStatus.RESOLVED), () -> {});
    d.finish();
    assertThat(h.pd.resolves()).isEqualTo(1);
    assertThat(h.pd.alerts().get("f-1").status).isEqualTo("resolved");
    assertThat(h.slack.messages()).hasSize(1);
    FakeSlack.Message m = h.slack.messages().get(0);
    assertThat(m.updates).isEqualTo(3);
    assertThat(m.body.path("blocks").get(0).path("text").path("text").asText())
        .startsWith("RESOLVED: CRITICAL");

    // an old revision arriving late changes nothing
    d.offer(Findings.retained("f-1", Severity.HIGH, 2, FindingStatus.OPEN), () -> {});
    d.finish();
    assertThat(h.pd.requests()).hasSize(3);
    assertThat(h.slack.requests()).hasSize(4);
  }

  @Test
  void revisionsQueuedTogetherSendOnlyTheNewest() throws Exception {
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
    d.offer(Findings.retained("f-2", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
    d.offer(Findings.retained("f-2", Severity.HIGH, 3, FindingStatus.RESOLVED), () -> {});
    d.offer(Findings.retained("f-2", Severity.HIGH, 2, FindingStatus.OPEN), () -> {});
    d.finish();
    // first seen resolved: nobody is paged for a case that is already closed
    assertThat(h.pd.requests()).isEmpty();
    assertThat(h.slack.requests()).isEmpty();
    assertThat(h.ledger.size()).isZero();
  }

  @Test
  void slackRetryAfterIsHonouredForThatReceiverOnlyAndNoRealTimePasses() throws Exception {
    h.slack.fault(FakeSlack.ratelimited(30));
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
    long start = h.time.millis();
    d.offer(Findings.high("f-a"), () -> {});
    d.offer(Findings.high("f-b"), () -> {});
    d.finish();
    List<StandInServer.Request> s = h.slack.requests();
    assertThat(s).hasSize(3); // the 429, then both posts
    assertThat(s.get(1).atMillis() - s.get(0).atMillis()).isGreaterThanOrEqualTo(30_000);
    // PagerDuty did not wait for Slack's 429
    assertThat(h.pd.requests()).hasSize(2);
    assertThat(h.pd.requests().get(1).atMillis()).isLessThan(s.get(0).atMillis() + 30_000);
    assertThat(h.slack.posted()).isEqualTo(2);
    assertThat(h.stats.rateLimited.get()).isEqualTo(1);
    assertThat(h.time.sleeps).contains(Duration.ofSeconds(30));
    assertThat(h.time.millis() - start).isGreaterThanOrEqualTo(30_000);
  }

  @Test
  void pagerDuty429And5xxBackOffAndLoseNothing() throws Exception {
    h.pd.fault(FakePagerDuty.tooManyRequests());
    h.pd.fault(FakePagerDuty.serverError());
    h.pd.fault(FakePagerDuty.serverError());
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
    d.offer(Findings.high("f-c"), () -> {});
    d.finish();
    List<StandInServer.Request> r = h.pd.requests();
    assertThat(r).hasSize(4);
    // capped exponential back-off: 1 s, 2 s, 4 s
    assertThat(r.get(1).atMillis() - r.get(0).atMillis()).isEqualTo(1000);
    assertThat(r.get(2).atMillis() - r.get(1).atMillis()).isEqualTo(2000);
    assertThat(r.get(3).atMillis() - r.get(2).atMillis()).isEqualTo(4000);
    assertThat(h.pd.triggers()).isEqualTo(1);
    assertThat(h.dlq).isEmpty();
  }

  @Test
  void aPagerDuty400GoesToTheDlqWithItsReasonAndNoSecret() throws Exception {
    String badKey = "0123456789abcdef0123456789abcde"; // 31 characters: PagerDuty answers 400
    Dispatcher d =
        h.dispatcher(
            DeliveryHooks.NONE,
            once(),
            java.util.Map.of("LW_TEST_PD", badKey, "LW_TEST_SLACK", Harness.SLACK_TOKEN));
    d.offer(Findings.high("f-d"), () -> {});
    d.finish();
    assertThat(h.pd.requests()).hasSize(1); // not retried
    assertThat(h.dlq).hasSize(1);
    JsonNode line = h.dlq.get(0);
    assertThat(line.path("receiver").asText()).isEqualTo("security-oncall");
    assertThat(line.path("finding_id").asText()).isEqualTo("f-d");
    assertThat(line.path("reason").asText())
        .contains("PagerDuty 400")
        .contains("Length of 'routing_key' is incorrect");
    assertThat(line.toString()).doesNotContain(badKey).doesNotContain(Harness.SLACK_TOKEN);
    assertThat(line.path("payload").has("routing_key")).isFalse();
    // Slack still got it; a restart does not send the refused revision again
    assertThat(h.slack.posted()).isEqualTo(1);
    Dispatcher again =
        h.dispatcher(
            DeliveryHooks.NONE,
            once(),
            java.util.Map.of("LW_TEST_PD", badKey, "LW_TEST_SLACK", Harness.SLACK_TOKEN));
    again.offer(Findings.high("f-d"), () -> {});
    again.finish();
    assertThat(h.pd.requests()).hasSize(1);
    assertThat(h.dlq).hasSize(1);
  }

  @Test
  void slackInvalidBlocksIsNotRetriedAndGoesToTheDlq() throws Exception {
    h.slack.fault(FakeSlack.okFalse("invalid_blocks"));
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
    d.offer(Findings.high("f-e"), () -> {});
    d.finish();
    assertThat(h.slack.requests()).hasSize(1);
    assertThat(h.dlq).hasSize(1);
    assertThat(h.dlq.get(0).path("reason").asText())
        .isEqualTo("Slack chat.postMessage: invalid_blocks");
    assertThat(h.dlq.get(0).toString()).doesNotContain(Harness.SLACK_TOKEN);
  }

  @Test
  void aRevokedTokenMarksTheReceiverFailingAndKeepsItsAlertsWhileStreaming() throws Exception {
    Dispatcher d =
        h.dispatcher(
            DeliveryHooks.NONE,
            Dispatcher.Settings.streaming(),
            java.util.Map.of("LW_TEST_PD", Harness.PD_KEY, "LW_TEST_SLACK", "xoxb-revoked"));
    AtomicInteger done = new AtomicInteger();
    d.offer(Findings.high("f-f"), done::incrementAndGet);
    d.drain(false, h.time.instant().plus(Duration.ofMinutes(30)));
    assertThat(h.pd.triggers()).isEqualTo(1);
    assertThat(h.slack.requests().size()).isGreaterThan(3); // retried, backing off
    assertThat(h.slack.posted()).isZero();
    assertThat(h.dlq).isEmpty();
    assertThat(done.get()).as("the offset stays behind the kept alert").isZero();
    assertThat(d.idle()).isFalse();
  }

  @Test
  void aBoundedRunGivesUpOnAFailingReceiverIntoTheDlqSoItEnds() throws Exception {
    Dispatcher d =
        h.dispatcher(
            DeliveryHooks.NONE,
            once(),
            java.util.Map.of("LW_TEST_PD", Harness.PD_KEY, "LW_TEST_SLACK", "xoxb-revoked"));
    d.offer(Findings.high("f-g"), () -> {});
    d.finish();
    assertThat(h.slack.requests()).hasSize(Dispatcher.Settings.once().maxAttempts());
    assertThat(h.dlq).hasSize(1);
    assertThat(h.dlq.get(0).path("reason").asText())
        .startsWith("gave up after 8 attempt(s); last: Slack chat.postMessage: invalid_auth");
    assertThat(h.dlq.get(0).toString()).doesNotContain("xoxb-revoked");
  }

  @Test
  void aFloodOf500FindingsInAMinuteBecomes20AlertsAndADigestWithNo429Storm() throws Exception {
    h.slack.rateLimitPerChannel(Duration.ofSeconds(1));
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, Dispatcher.Settings.streaming());
    for (int i = 0; i < 500; i++) {
      d.offer(Findings.high(String.format("flood-%03d", i)), () -> {});
      h.time.advance(Duration.ofMillis(120));
      d.drain(false, h.time.instant());
    }
    // the window ends; the digest goes out without any further input
    d.drain(false, h.time.instant().plus(Duration.ofMinutes(6)));
    assertThat(h.slack.rateLimited()).isZero();
    assertThat(h.slack.posted()).isEqualTo(21);
    assertThat(h.pd.triggers()).isEqualTo(21);
    assertThat(h.stats.digests.get()).isEqualTo(2);
    assertThat(h.stats.digestedFindings.get()).isEqualTo(2 * 480);
    JsonNode digest = h.slack.messages().get(20).body;
    assertThat(digest.path("text").asText()).contains("480 more finding(s) in 5 min");
    assertThat(h.pd.alerts().keySet()).anyMatch(k -> k.startsWith("leaverwatch-digest:"));
    assertThat(d.idle()).isTrue();
  }

  @Test
  void aDigestPromisedBeforeAKillIsSentAfterTheRestart() throws Exception {
    Harness small = new Harness(tmp.resolve("small"), 1);
    try {
      Dispatcher d = small.dispatcher(DeliveryHooks.NONE, Dispatcher.Settings.streaming());
      d.offer(Findings.high("g-1"), () -> {});
      d.offer(Findings.high("g-2"), () -> {});
      d.offer(Findings.high("g-3"), () -> {});
      d.drain(false, small.time.instant()); // g-1 sent; g-2, g-3 promised to the digest; killed
      assertThat(small.slack.posted()).isEqualTo(1);
      Dispatcher again = small.restart(Dispatcher.Settings.streaming());
      again.drain(false, small.time.instant().plus(Duration.ofMinutes(6)));
      assertThat(small.slack.posted()).isEqualTo(2);
      assertThat(small.slack.messages().get(1).body.path("text").asText())
          .contains("2 more finding(s)");
      again.offer(Findings.high("g-2"), () -> {}); // re-read: already in the digest
      again.finish();
      assertThat(small.slack.posted()).isEqualTo(2);
    } finally {
      small.close();
    }
  }

  @Test
  void anIdentityAndRepositoryNamedLikeSlackMarkupReachTheChannelAsPlainText() throws Exception {
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
    d.offer(SlackMessagesTest.hostile(), () -> {});
    d.finish();
    JsonNode received = h.slack.requests().get(0).json();
    List<JsonNode> mrkdwn = new java.util.ArrayList<>();
    List<String> plain = new java.util.ArrayList<>();
    SlackMessagesTest.collectTextObjects(received.get("blocks"), mrkdwn, plain);
    assertThat(mrkdwn).isEmpty();
    assertThat(plain).anyMatch(t -> t.equals("Identity: <!channel> alice"));
    assertThat(received.path("text").asText())
        .doesNotContain("<!channel>")
        .doesNotContain("<https://");
    // PagerDuty shows text as text: the summary goes as written, capped
    assertThat(h.pd.acceptedEvents().get(0).path("payload").path("summary").asText())
        .isEqualTo(SlackMessagesTest.HOSTILE_SUMMARY);
  }

  @Test
  void aDeletedSlackMessageIsPostedAgainRatherThanDeadLettered() throws Exception {
    Dispatcher d = h.dispatcher(DeliveryHooks.NONE, once());
    d.offer(Findings.retained("f-m", Severity.HIGH, 1, FindingStatus.OPEN), () -> {});
    d.finish();
    h.slack.fault(FakeSlack.okFalse("message_not_found"));
    d.offer(Findings.retained("f-m", Severity.HIGH, 2, FindingStatus.OPEN), () -> {});
    d.finish();
    assertThat(h.slack.posted()).isEqualTo(2);
    assertThat(h.dlq).isEmpty();
    d.offer(Findings.retained("f-m", Severity.HIGH, 3, FindingStatus.OPEN), () -> {});
    d.finish();
    assertThat(h.slack.updated()).isEqualTo(1);
    assertThat(h.slack.messages().get(1).updates).isEqualTo(1);
  }
}
