package io.leaverwatch.ingest.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.ingest.FakeClock;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.FakeHttpServer.Reply;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.aws.AwsTestClients;
import io.leaverwatch.ingest.http.Credentials;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import io.leaverwatch.schema.AccessGrant;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessSnapshotTest {
  static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  final FakeClock clock = new FakeClock(T0);

  /** The grants of a snapshot, after checking it ends with its completeness marker. */
  static List<String> grants(List<AccessGrant> gs) {
    AccessGrant last = gs.get(gs.size() - 1);
    assertThat(AccessSnapshot.isComplete(last)).as("the snapshot ends with its marker").isTrue();
    assertThat(last.getObservedAt()).isEqualTo(T0);
    assertThat(gs.subList(0, gs.size() - 1)).noneMatch(AccessSnapshot::isComplete);
    return gs.subList(0, gs.size() - 1).stream()
        .map(g -> g.getSystem() + " " + g.getIdentity() + " " + g.getGrant())
        .toList();
  }

  @Test
  void iamActiveKeysAndConsolePasswords() throws Exception {
    FakeIamApi api = new FakeIamApi(Set.of("alice"));
    api.keys.put("alice", new LinkedHashMap<>(Map.of("AKIAALICE0000001", "Active")));
    Map<String, String> bob = new LinkedHashMap<>();
    bob.put("AKIABOB000000001", "Inactive");
    bob.put("AKIABOB000000002", "Active");
    api.keys.put("bob", bob);
    try (FakeHttpServer server = new FakeHttpServer(clock, api);
        var iam = AwsTestClients.iam(server.baseUrl())) {
      List<AccessGrant> out = new IamAccessSnapshot(iam).collect(T0);
      assertThat(grants(out))
          .containsExactlyInAnyOrder(
              "aws alice access_key:AKIAALICE0000001",
              "aws alice login_profile",
              "aws bob access_key:AKIABOB000000002");
      assertThat(out).allSatisfy(g -> assertThat(g.getObservedAt()).isEqualTo(T0));
    }
  }

  @Test
  void gitHubMembersAndOutsideCollaboratorsAcrossPages() throws Exception {
    String token = "gh-snapshot-token-77";
    try (FakeHttpServer server =
        new FakeHttpServer(
            clock,
            r -> {
              String p = r.uri().getPath();
              boolean second = r.uri().getQuery().contains("page=2");
              if (p.equals("/orgs/acme/members") && !second) {
                return Reply.json(200, "[{\"login\":\"octocat\",\"id\":1,\"type\":\"User\"}]")
                    .with("Link", "<" + r.uri() + "&page=2>; rel=\"next\"");
              }
              if (p.equals("/orgs/acme/members")) {
                return Reply.json(200, "[{\"login\":\"monalisa\",\"id\":2,\"type\":\"User\"}]");
              }
              if (p.equals("/orgs/acme/outside_collaborators")) {
                return Reply.json(200, "[{\"login\":\"contractor-x\",\"id\":3}]");
              }
              return Reply.json(404, "{}");
            })) {
      RateLimitedHttp http =
          new RateLimitedHttp(
              "GitHub",
              Credentials.fixed("Bearer", token),
              "x-ratelimit",
              clock,
              clock.sleeper(),
              new IngestLog("t"),
              3);
      List<AccessGrant> out = new GitHubAccessSnapshot(http, server.baseUrl(), "acme").collect(T0);
      assertThat(grants(out))
          .containsExactly(
              "github octocat org_member:acme",
              "github monalisa org_member:acme",
              "github contractor-x outside_collaborator:acme");
    }
  }

  @Test
  void oktaActiveUsersAndTheirApps() throws Exception {
    try (FakeHttpServer server =
        new FakeHttpServer(
            clock,
            r -> {
              String p = r.uri().getPath();
              if (p.equals("/api/v1/users")) {
                assertThat(RateLimitedHttp.query(r.uri()).get("filter"))
                    .isEqualTo("status eq \"ACTIVE\"");
                return Reply.json(
                    200,
                    "[{\"id\":\"00u1\",\"status\":\"ACTIVE\",\"profile\":{\"login\":\"john.doe@example.com\"}}]");
              }
              if (p.equals("/api/v1/users/00u1/appLinks")) {
                return Reply.json(
                    200,
                    "[{\"id\":\"0oa1\",\"label\":\"AWS Account Federation\",\"appName\":\"amazon_aws\"},"
                        + "{\"id\":\"0oa2\",\"label\":\"GitHub Enterprise\",\"appName\":\"github\"}]");
              }
              return Reply.json(404, "{}");
            })) {
      RateLimitedHttp http =
          new RateLimitedHttp(
              "Okta",
              Credentials.fixed("SSWS", "okta-tok-123456"),
              "x-rate-limit",
              clock,
              clock.sleeper(),
              new IngestLog("t"),
              3);
      List<AccessGrant> out = new OktaAccessSnapshot(http, server.baseUrl()).collect(T0);
      assertThat(grants(out))
          .containsExactly(
              "okta john.doe@example.com okta_user",
              "okta john.doe@example.com app:AWS Account Federation",
              "okta john.doe@example.com app:GitHub Enterprise");
      assertThat(RecordJson.accessGrantLine(out.get(0)))
          .isEqualTo(
              "{\"identity\":\"john.doe@example.com\",\"system\":\"okta\",\"grant\":\"okta_user\","
                  + "\"observed_at\":\"2026-03-02T10:00:00Z\"}");
    }
  }
}
