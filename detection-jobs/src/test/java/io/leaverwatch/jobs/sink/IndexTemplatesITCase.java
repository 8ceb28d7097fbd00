package io.leaverwatch.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.indices.get_alias.IndexAliases;
import io.leaverwatch.embedded.SharedEmbeddedServices;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import io.leaverwatch.schema.StepState;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IndexTemplatesITCase {

  private static final Instant DEPARTED = Instant.parse("2026-03-02T17:00:00Z");
  private static ElasticsearchClient client;

  @BeforeAll
  static void installTwice() throws Exception {
    client = SharedEmbeddedServices.elasticsearch().client();
    assertThat(IndexTemplates.install(client, "tmplit"))
        .containsExactly("tmplit-findings", "tmplit-steps", "tmplit-dlq", "tmplit-alerts");
    IndexTemplates.install(client, "tmplit"); // idempotent
  }

  static Finding finding() {
    return Finding.newBuilder()
        .setFindingId("f-0001")
        .setType(FindingType.POST_DEPARTURE_ACTIVITY)
        .setSeverity(Severity.CRITICAL)
        .setPersonId("p-17")
        .setEmail("alice@example.com")
        .setRole("engineer")
        .setSource(Source.GITHUB)
        .setIdentity("alice-gh")
        .setAction("git.clone")
        .setFirstSeen(DEPARTED.plusSeconds(3600))
        .setLastSeen(DEPARTED.plusSeconds(7200))
        .setEventCount(4)
        .setEventIds(List.of("e-1", "e-2", "e-3", "e-4"))
        .setDepartedAt(DEPARTED)
        .setRuleId("post-departure-activity")
        .setRuleVersion("3")
        .setSummary("alice cloned acme/api 4 times after leaving")
        .setDetails(Map.of("repo", "acme/api", "ip", "203.0.113.9"))
        .setEvidence(List.of("{\"action\":\"git.clone\",\"actor\":\"alice-gh\"}"))
        .build();
  }

  @Test
  void eachAliasPointsAtItsFirstRolloverIndexAsTheWriteIndex() throws Exception {
    for (String alias : List.of("tmplit-findings", "tmplit-steps", "tmplit-dlq", "tmplit-alerts")) {
      Map<String, IndexAliases> byIndex = client.indices().getAlias(a -> a.name(alias)).result();
      assertThat(byIndex).containsOnlyKeys(alias + "-000001");
      assertThat(byIndex.get(alias + "-000001").aliases().get(alias).isWriteIndex()).isTrue();
    }
  }

  @Test
  void aFindingFromTheMapperIsAcceptedAndSearchableBySeverityRankAndDetails() throws Exception {
    FindingDocumentMapper mapper = new FindingDocumentMapper();
    Finding f = finding();
    client.index(
        i ->
            i.index("tmplit-findings")
                .id(mapper.id(f))
                .document(mapper.document(f))
                .refresh(Refresh.True));

    var hits =
        client.search(
            s ->
                s.index("tmplit-findings")
                    .query(
                        q ->
                            q.bool(
                                b ->
                                    b.filter(
                                            x ->
                                                x.range(
                                                    r ->
                                                        r.number(
                                                            n ->
                                                                n.field("severity_rank").gte(4.0))))
                                        .filter(
                                            x ->
                                                x.term(
                                                    t -> t.field("details.repo").value("acme/api")))
                                        .filter(
                                            x ->
                                                x.term(
                                                    t ->
                                                        t.field("summary.keyword")
                                                            .value(f.getSummary()))))),
            Map.class);
    assertThat(hits.hits().hits()).extracting(h -> h.id()).containsExactly("f-0001");
    Map<?, ?> source = hits.hits().hits().get(0).source();
    assertThat(source.get("@timestamp")).isEqualTo("2026-03-02T19:00:00Z");
    assertThat(source.get("evidence")).isEqualTo(f.getEvidence());
  }

  @Test
  void aStepStatusFromTheMapperIsAccepted() throws Exception {
    OffboardingStepStatus step =
        OffboardingStepStatus.newBuilder()
            .setStatusId("s-1")
            .setPersonId("p-17")
            .setEmail("alice@example.com")
            .setRole("engineer")
            .setSystem("OKTA")
            .setIdentity("00u1")
            .setStepId("okta-deactivate")
            .setStatus(StepState.LATE)
            .setDepartedAt(DEPARTED)
            .setDeadline(DEPARTED.plusSeconds(3600))
            .setCompletedAt(DEPARTED.plusSeconds(5400))
            .setTimeToRevokeMs(5_400_000L)
            .setEvidenceEventIds(List.of("e-9"))
            .setRuleId("role-engineer")
            .setDetail("deactivated 30 min after the SLA")
            .setCompletedBy("admin@example.com")
            .setCompletedByAutomation(false)
            .setLastActivityAt(DEPARTED.plusSeconds(7200))
            .setLastActivityEventId("e-10")
            .build();
    StepStatusDocumentMapper mapper = new StepStatusDocumentMapper();
    client.index(
        i ->
            i.index("tmplit-steps")
                .id(mapper.id(step))
                .document(mapper.document(step))
                .refresh(Refresh.True));
    assertThat(
            client
                .count(
                    c ->
                        c.index("tmplit-steps")
                            .query(q -> q.term(t -> t.field("status").value("LATE"))))
                .count())
        .isEqualTo(1);
    // who revoked and the last activity are searchable: "revoked by a human, activity after"
    assertThat(
            client
                .count(
                    c ->
                        c.index("tmplit-steps")
                            .query(
                                q ->
                                    q.bool(
                                        bq ->
                                            bq.filter(
                                                    f ->
                                                        f.term(
                                                            t ->
                                                                t.field("completed_by_automation")
                                                                    .value(false)))
                                                .filter(
                                                    f ->
                                                        f.range(
                                                            r ->
                                                                r.date(
                                                                    d ->
                                                                        d.field("last_activity_at")
                                                                            .gt(
                                                                                "2026-03-02T18:00:00Z")))))))
                .count())
        .isEqualTo(1);
  }

  @Test
  void aDocumentWithAWrongTypeOrAnUnknownFieldIsRejected() {
    Map<String, Object> wrongType = new HashMap<>(new FindingDocumentMapper().document(finding()));
    wrongType.put("event_count", "many");
    assertThatThrownBy(
            () -> client.index(i -> i.index("tmplit-findings").id("bad-1").document(wrongType)))
        .isInstanceOf(ElasticsearchException.class)
        .hasMessageContaining("event_count");

    Map<String, Object> unknownField =
        new HashMap<>(new FindingDocumentMapper().document(finding()));
    unknownField.put("sevrity", "HIGH");
    assertThatThrownBy(
            () -> client.index(i -> i.index("tmplit-findings").id("bad-2").document(unknownField)))
        .isInstanceOf(ElasticsearchException.class)
        .hasMessageContaining("sevrity");
  }

  /** Lucene refuses a term over 32766 bytes: without ignore_above the whole finding was refused. */
  @Test
  void keywordsLongerThanLuceneTakesAreKeptWholeInTheSourceAndNotIndexed() throws Exception {
    String longIdentity = "arn:aws:sts::123456789012:assumed-role/" + "r".repeat(40_000);
    Finding f = finding();
    f.setFindingId("f-long");
    f.setIdentity(longIdentity);
    f.setEmail("e".repeat(40_000) + "@example.com");
    f.setAction("a".repeat(40_000));
    f.setEventIds(List.of("e".repeat(40_000)));
    FindingDocumentMapper mapper = new FindingDocumentMapper();
    client.index(
        i ->
            i.index("tmplit-findings")
                .id(mapper.id(f))
                .document(mapper.document(f))
                .refresh(Refresh.True));

    @SuppressWarnings("unchecked")
    Map<String, Object> source =
        client.get(g -> g.index("tmplit-findings").id("f-long"), Map.class).source();
    assertThat(source.get("identity")).isEqualTo(longIdentity);
    assertThat(
            client
                .count(
                    c ->
                        c.index("tmplit-findings")
                            .query(q -> q.term(t -> t.field("finding_id").value("f-long"))))
                .count())
        .isEqualTo(1);
  }

  /** An index created by an older template (no revision, no ignore_above) is brought up to date. */
  @Test
  void anIndexFromAnOlderTemplateTakesTheNewFieldsOnTheNextInstall() throws Exception {
    client
        .indices()
        .create(
            c ->
                c.index("oldit-findings-000001")
                    .aliases("oldit-findings", a -> a.isWriteIndex(true))
                    .withJson(
                        new StringReader(
                            "{\"mappings\":{\"dynamic\":\"strict\",\"properties\":{"
                                + "\"finding_id\":{\"type\":\"keyword\"},"
                                + "\"identity\":{\"type\":\"keyword\"}}}}")));
    IndexTemplates.install(client, "oldit");

    Finding f = finding();
    f.setIdentity("i".repeat(40_000));
    f.setRevision(7);
    FindingDocumentMapper mapper = new FindingDocumentMapper();
    client.index(
        i ->
            i.index("oldit-findings")
                .id(mapper.id(f))
                .document(mapper.document(f))
                .refresh(Refresh.True));
    assertThat(client.count(c -> c.index("oldit-findings")).count()).isEqualTo(1);
  }

  @Test
  void refusesToTurnAPlainIndexIntoTheAlias() throws Exception {
    client.indices().create(c -> c.index("plainit-findings"));
    assertThatThrownBy(() -> IndexTemplates.install(client, "plainit"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plain index named plainit-findings");
  }
}
