package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.alerting.render.FindingLinks;
import io.leaverwatch.alerting.render.SlackMessages;
import io.leaverwatch.alerting.render.Text;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackMessagesTest {
  static final String HOSTILE_IDENTITY = "<!channel> alice";
  static final String HOSTILE_REPO = "corp/<https://evil.example|click here>";
  static final String HOSTILE_SUMMARY =
      "*bold* <!here> <@U0123ABC> <!subteam^S0123|@security> cloned " + HOSTILE_REPO + " & more";

  static Finding hostile() {
    return Finding.newBuilder(Findings.high("f-x"))
        .setIdentity(HOSTILE_IDENTITY)
        .setAction("git.clone " + HOSTILE_REPO)
        .setSummary(HOSTILE_SUMMARY)
        .build();
  }

  @Test
  void attackerTextNeverReachesAFieldSlackParsesForMentionsOrLinks() {
    JsonNode body = SlackMessages.post("#sec-leavers", hostile(), FindingLinks.NONE);
    List<JsonNode> mrkdwn = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    collectTextObjects(body.get("blocks"), mrkdwn, plain);
    // no mrkdwn object at all: attacker text lives in plain_text, which Slack shows as typed
    assertThat(mrkdwn).isEmpty();
    assertThat(plain).anyMatch(t -> t.contains("<!channel> alice"));
    assertThat(plain).anyMatch(t -> t.contains("<https://evil.example|click here>"));
    // the notification fallback is parsed by Slack: escaped, and markup parsing is off
    String text = body.path("text").asText();
    assertThat(text).doesNotContain("<").doesNotContain(">");
    assertThat(text).contains("&lt;!here&gt;").contains("&lt;@U0123ABC&gt;").contains("&amp; more");
    assertThat(text).contains("&lt;!subteam^S0123|@security&gt;");
    assertThat(body.path("mrkdwn").asBoolean(true)).isFalse();
    assertThat(body.path("unfurl_links").asBoolean(true)).isFalse();
  }

  @Test
  void escapingCoversTheThreeControlCharactersAndOnlyThose() {
    assertThat(Text.escapeSlack("<!channel> & <https://evil|click> *bold*"))
        .isEqualTo("&lt;!channel&gt; &amp; &lt;https://evil|click&gt; *bold*");
  }

  @Test
  void blocksStayWithinSlackLimitsWhateverTheFindingHolds() {
    String huge = "x".repeat(10_000);
    Finding f =
        Finding.newBuilder(
                Findings.base("f-y", FindingType.RETAINED_ACCESS, Severity.CRITICAL).build())
            .setEmail(huge + "@corp.example")
            .setSummary(huge)
            .setIdentity(huge)
            .build();
    JsonNode body = SlackMessages.post("#c", f, new FindingLinks("https://kibana.corp.example"));
    JsonNode blocks = body.get("blocks");
    assertThat(blocks.size()).isLessThanOrEqualTo(SlackMessages.MAX_BLOCKS);
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).path("text").path("text").asText().length()).isLessThanOrEqualTo(150);
    List<JsonNode> mrkdwn = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    collectTextObjects(blocks, mrkdwn, plain);
    assertThat(plain).allMatch(t -> t.length() <= 3000);
    for (JsonNode b : blocks) {
      if (b.has("fields")) {
        assertThat(b.get("fields").size()).isLessThanOrEqualTo(10);
        b.get("fields")
            .forEach(x -> assertThat(x.path("text").asText().length()).isLessThanOrEqualTo(2000));
      }
    }
    assertThat(body.path("text").asText().length()).isLessThanOrEqualTo(3000);
    assertThat(body.toString()).contains("kibana.corp.example/app/discover");
  }

  @Test
  void anEscapedCapNeverCutsAnEntityInHalf() {
    String s = "a".repeat(2998) + "<b";
    String capped = Text.escapeSlackCapped(s, 3000);
    assertThat(capped.length()).isLessThanOrEqualTo(3000);
    assertThat(capped).doesNotContain("&l\u2026").endsWith("\u2026");
  }

  @Test
  void anUpdateTargetsTheStoredMessageAndSaysResolved() {
    Finding f =
        Findings.retained("f-z", Severity.HIGH, 2, io.leaverwatch.schema.FindingStatus.RESOLVED);
    JsonNode body = SlackMessages.update("C0000000001", "1700000000.000001", f, FindingLinks.NONE);
    assertThat(body.path("channel").asText()).isEqualTo("C0000000001");
    assertThat(body.path("ts").asText()).isEqualTo("1700000000.000001");
    assertThat(body.toString()).contains("revoked 3 h 10 min late by svc-offboarding");
    assertThat(body.path("blocks").get(0).path("text").path("text").asText())
        .startsWith("RESOLVED");
  }

  static void collectTextObjects(JsonNode n, List<JsonNode> mrkdwn, List<String> plain) {
    if (n == null) {
      return;
    }
    if (n.isObject()) {
      String type = n.path("type").asText();
      if (type.equals("mrkdwn")) {
        mrkdwn.add(n);
      } else if (type.equals("plain_text")) {
        plain.add(n.path("text").asText());
      }
      n.elements().forEachRemaining(c -> collectTextObjects(c, mrkdwn, plain));
    } else if (n.isArray()) {
      n.forEach(c -> collectTextObjects(c, mrkdwn, plain));
    }
  }
}
