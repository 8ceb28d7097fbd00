package io.leaverwatch.testkit.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncidentCatalogueTest {
  static final String OK_EVENT =
      """
      incidents:
        - id: PDA_OKTA_FAILURE
          description: failed sign-ins
          needs: any
          expect:
            - {type: POST_DEPARTURE_ACTIVITY, source: OKTA}
          when: after_departure
          events:
            - at: incident_hour
              repeat: 3
              every: 20s + rand(60000, 1ms)
              okta: {"eventType": "user.session.start", "actor": "{leaver}", "client": {"ipAddress": "{fresh_ip}", "userAgent": {"rawUserAgent": "{leaver.browser}"}}, "outcome": {"result": "FAILURE", "reason": "INVALID_CREDENTIALS"}}
      """;

  static String broken(String from, String to) {
    assertThat(OK_EVENT).contains(from);
    return OK_EVENT.replace(from, to);
  }

  static void failsWith(String yaml, String message) {
    assertThatThrownBy(() -> IncidentCatalogue.parse("incidents.yaml", yaml))
        .isInstanceOf(IncidentCatalogue.IncidentFileException.class)
        .hasMessage(message);
  }

  @Test
  void theShippedFileCoversEveryFindingTypeWithAPositiveAndHasNegatives() {
    List<Incident> all = IncidentCatalogue.load();

    Set<String> types = new HashSet<>();
    all.forEach(i -> i.expected().forEach(e -> types.add(e.type())));
    assertThat(types)
        .contains(
            "POST_DEPARTURE_ACTIVITY",
            "RETAINED_ACCESS",
            "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE",
            "SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT",
            "KNOWN_IP_ACCESS_ATTEMPT",
            "OFFBOARDING_INCOMPLETE");
    assertThat(all).filteredOn(i -> i.expected().isEmpty()).extracting(Incident::id).isNotEmpty();
    assertThat(all.get(0).id()).as("handed out first").isEqualTo("PDA_OKTA_SUCCESS");
  }

  @Test
  void everyIncidentThatActsDoesSoThroughNativeEventsOfItsSources() {
    List<Incident> all = IncidentCatalogue.load();

    Set<Incident.Source> sources = new HashSet<>();
    for (Incident i : all) {
      assertThat(i.variants().isEmpty()).as(i.id()).isEqualTo(i.when() == null);
      i.variants().forEach(v -> v.forEach(e -> sources.add(e.source())));
    }
    assertThat(sources).containsExactlyInAnyOrder(Incident.Source.values());
  }

  @Test
  void aValidFileLoads() {
    List<Incident> one = IncidentCatalogue.parse("incidents.yaml", OK_EVENT);
    assertThat(one).singleElement().satisfies(i -> assertThat(i.variants().get(0)).hasSize(1));
  }

  @Test
  void anUnknownPlaceholderIsNamedWithItsLine() {
    failsWith(
        broken("{fresh_ip}", "{fresh_ipp}"),
        "incidents.yaml:12: incidents[0].events[0].okta.client.ipAddress: unknown placeholder"
            + " {fresh_ipp}; known: [fresh_ip, domain, new_token_id, new_access_key, create_date,"
            + " uuid, alnum, upper_alnum, int, repo, repo_id], leaver.X, admin.X");
  }

  @Test
  void aFieldTheBuilderDoesNotTakeIsRefused() {
    assertThatThrownBy(
            () ->
                IncidentCatalogue.parse(
                    "incidents.yaml",
                    broken(
                        "\"eventType\": \"user.session.start\",",
                        "\"uuid\": \"x\", \"eventType\": \"user.session.start\",")))
        .hasMessageStartingWith(
            "incidents.yaml:12: incidents[0].events[0].okta.uuid: not a field the Okta builder"
                + " takes");
  }

  @Test
  void aBadClockExpressionSaysWhy() {
    failsWith(
        broken("20s + rand(60000, 1ms)", "20s + + rand(60000, 1ms)"),
        "incidents.yaml:11: incidents[0].events[0].every: a term is missing before '+'");
    failsWith(
        broken("at: incident_hour", "at: lunch_time"),
        "incidents.yaml:9: incidents[0].events[0].at: unknown anchor 'lunch_time'; known:"
            + " incident_hour, notice_hour, departed, previous");
    failsWith(
        broken("at: incident_hour", "at: previous"),
        "incidents.yaml:9: incidents[0].events[0].at: the first event has no previous one");
  }

  @Test
  void repetitionsNeedSpacingAndNeedsMustBeKnown() {
    failsWith(
        broken("        every: 20s + rand(60000, 1ms)\n", ""),
        "incidents.yaml:10: incidents[0].events[0].repeat: needs 'every' to space the repetitions");
    failsWith(
        broken("needs: any", "needs: luck"),
        "incidents.yaml:4: incidents[0].needs: 'luck'; known: [any, notice, iam, sso, pat,"
            + " iam_and_notice, aws_and_notice, undeclared_github]");
  }

  @Test
  void aCloudTrailTemplateLeavesToTheBuilderWhatTheBuilderWrites() {
    String yaml =
        """
        incidents:
          - id: PDA_DYNAMODB
            description: a scan after departure
            needs: iam
            expect: []
            when: after_departure
            events:
              - at: incident_hour
                cloudtrail: {"eventSource": "dynamodb.amazonaws.com", "eventName": "Scan", "awsRegion": "us-east-1", "userIdentity": "{leaver.as_iam_user_with_key}", "sourceIPAddress": "{fresh_ip}", "userAgent": "aws-cli/2", "requestParameters": {"tableName": "customers", "limit": 5}}
        """;
    failsWith(
        yaml,
        "incidents.yaml:9: incidents[0].events[0].cloudtrail.requestParameters: a DynamoDB data"
            + " event names only its table: {tableName}; the builder writes the rest");
    failsWith(
        yaml.replace(", \"limit\": 5", "")
            .replace("{leaver.as_iam_user_with_key}", "{leaver.as_sso_session}"),
        "incidents.yaml:9: incidents[0].events[0].cloudtrail.userIdentity:"
            + " {leaver.as_sso_session:START} needs START, a duration before the event or"
            + " previous");
  }

  @Test
  void aLoneBraceMustBeDoubled() {
    failsWith(
        broken("\"reason\": \"INVALID_CREDENTIALS\"", "\"reason\": \"{INVALID\""),
        "incidents.yaml:12: incidents[0].events[0].okta.outcome.reason: a lone brace in"
            + " '{INVALID' (write {{ or }} for a literal one)");
  }
}
