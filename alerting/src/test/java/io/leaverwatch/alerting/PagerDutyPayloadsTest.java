package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.alerting.render.FindingLinks;
import io.leaverwatch.alerting.render.PagerDutyPayloads;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagerDutyPayloadsTest {
  @Test
  void aTriggerCarriesTheFindingIdAsDedupKeyAndItsFactsButNoRawEvent() {
    JsonNode e =
        PagerDutyPayloads.trigger(Findings.high("f-1"), new FindingLinks("https://kb.example/"));
    assertThat(e.path("event_action").asText()).isEqualTo("trigger");
    assertThat(e.path("dedup_key").asText()).isEqualTo("f-1");
    assertThat(e.has("routing_key")).as("added by the sender only").isFalse();
    JsonNode p = e.path("payload");
    assertThat(p.path("source").asText()).isEqualTo("leaverwatch");
    assertThat(p.path("severity").asText()).isEqualTo("error");
    assertThat(p.path("timestamp").asText()).isEqualTo(Findings.T0_PLUS_1H.toString());
    JsonNode d = p.path("custom_details");
    assertThat(d.path("type").asText()).isEqualTo("POST_DEPARTURE_ACTIVITY");
    assertThat(d.path("person_id").asText()).isEqualTo("p-0042");
    assertThat(d.path("email").asText()).isEqualTo("alice@corp.example");
    assertThat(d.path("role").asText()).isEqualTo("software-engineer");
    assertThat(d.path("source").asText()).isEqualTo("GITHUB");
    assertThat(d.path("identity").asText()).isEqualTo("alice-gh");
    assertThat(d.path("event_count").asLong()).isEqualTo(3);
    assertThat(d.path("first_seen").asText()).isEqualTo(Findings.T0.toString());
    assertThat(d.path("rule_id").asText()).isEqualTo("post-departure-activity");
    assertThat(d.path("event_ids").toString()).isEqualTo("[\"ev-1\",\"ev-2\",\"ev-3\"]");
    assertThat(e.toString()).doesNotContain("event that must never leave");
    assertThat(e.path("links").get(0).path("href").asText())
        .startsWith("https://kb.example/app/discover#/");
  }

  @Test
  void severitiesMapAsTheIssueSays() {
    assertThat(PagerDutyPayloads.severity(Severity.CRITICAL)).isEqualTo("critical");
    assertThat(PagerDutyPayloads.severity(Severity.HIGH)).isEqualTo("error");
    assertThat(PagerDutyPayloads.severity(Severity.MEDIUM)).isEqualTo("warning");
    assertThat(PagerDutyPayloads.severity(Severity.LOW)).isEqualTo("info");
  }

  @Test
  void aLongSummaryIsCutTo1024AndAHugeEventStaysUnder512Kb() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      ids.add("event-id-" + i + "-padding-padding");
    }
    Finding f =
        Finding.newBuilder(Findings.high("f-2"))
            .setSummary("s".repeat(5000))
            .setEventIds(ids)
            .build();
    JsonNode e = PagerDutyPayloads.trigger(f, FindingLinks.NONE);
    assertThat(e.path("payload").path("summary").asText().length()).isEqualTo(1024);
    assertThat(e.toString().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(512 * 1024 - 100);
    assertThat(e.path("payload").path("custom_details").path("event_ids_omitted").asInt())
        .isPositive();
  }

  @Test
  void aResolveNamesOnlyTheDedupKey() {
    JsonNode e = PagerDutyPayloads.resolve(Findings.high("f-3"));
    assertThat(e.toString()).isEqualTo("{\"event_action\":\"resolve\",\"dedup_key\":\"f-3\"}");
  }
}
