package io.leaverwatch.core.normalize;

import static io.leaverwatch.core.normalize.TestInputs.events;
import static io.leaverwatch.core.normalize.TestInputs.normalizeAll;
import static io.leaverwatch.core.normalize.TestInputs.only;
import static io.leaverwatch.core.normalize.TestInputs.raw;
import static io.leaverwatch.core.normalize.TestInputs.rejections;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.Source;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed samples (same shapes as the real fixtures) normalise as the contract says. */
class SampleNormalizationTest {
  private static EventNormalizer normalizer;
  private static Map<String, AuditEvent> byId;

  @BeforeAll
  static void normaliseAllSamples() {
    normalizer = TestInputs.normalizer();
    List<Normalization> all = normalizeAll(normalizer, TestInputs.samples());
    assertThat(rejections(all)).isEmpty();
    byId =
        events(all).stream().collect(Collectors.toMap(AuditEvent::getEventId, Function.identity()));
  }

  @Test
  void iamUserCreatingAKeyForAnotherUserNamesThatUserAsTarget() {
    AuditEvent e = byId.get("ct-0001");
    assertThat(e.getSource()).isEqualTo(Source.CLOUDTRAIL);
    assertThat(e.getActionClass()).isEqualTo(ActionClass.CREDENTIAL_CHANGE);
    assertThat(e.getActor().getKind()).isEqualTo("iam_user");
    assertThat(e.getActor().getLogin()).isEqualTo("alice");
    assertThat(e.getActor().getAccessKeyId()).isEqualTo("AKIAEXAMPLEALICE01");
    assertThat(e.getActor().getType()).isEqualTo(PrincipalType.HUMAN);
    assertThat(e.getTargets())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKind()).isEqualTo("iam_user");
              assertThat(t.getLogin()).isEqualTo("bob");
              assertThat(t.getAccessKeyId()).isEqualTo("AKIAEXAMPLEBOB0001");
            });
    assertThat(e.getAccount()).isEqualTo("111122223333");
    assertThat(e.getEventTime()).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
    assertThat(e.getRaw()).startsWith("{\"eventVersion\"").doesNotContain(" ");
  }

  @Test
  void ssoSessionNamedByEmailGivesLowerCasedEmail() {
    Principal a = byId.get("ct-0002").getActor();
    assertThat(a.getKind()).isEqualTo("assumed_role");
    assertThat(a.getType()).isEqualTo(PrincipalType.ASSUMED_ROLE);
    assertThat(a.getLogin()).isEqualTo("Carol.Smith@Example.com");
    assertThat(a.getEmail()).isEqualTo("carol.smith@example.com");
    assertThat(a.getArn()).contains(":assumed-role/AWSReservedSSO_Admin_0123abcd/");
    assertThat(byId.get("ct-0002").getActionClass()).isEqualTo(ActionClass.DATA_ACCESS);
    assertThat(byId.get("ct-0002").getEventTime())
        .isEqualTo(Instant.parse("2024-03-01T10:01:00.123Z"));
  }

  @Test
  void failedRootConsoleLoginIsAFailedAuthentication() {
    AuditEvent e = byId.get("ct-0003");
    assertThat(e.getActor().getKind()).isEqualTo("root");
    assertThat(e.getActor().getLogin()).isEqualTo("root");
    assertThat(e.getActionClass()).isEqualTo(ActionClass.AUTHENTICATION);
    assertThat(e.getOutcome().getResult()).isEqualTo(OutcomeResult.FAILURE);
    assertThat(e.getOutcome().getReason()).contains("Failed authentication");
  }

  @Test
  void everyOtherIdentityTypeHasItsKind() {
    assertThat(byId.get("ct-0004").getActor().getLogin()).isEqualTo("dave");
    assertThat(byId.get("ct-0004").getActor().getKind()).isEqualTo("federated_user");
    assertThat(byId.get("ct-0004").getSourceIp()).isEqualTo("211.9.016.253");
    assertThat(byId.get("ct-0004").getRegion()).isEqualTo("sagov-westsouth-1r");
    assertThat(byId.get("ct-0004").getActionClass()).isEqualTo(ActionClass.SENSITIVE_CHANGE);
    Principal service = byId.get("ct-0005").getActor();
    assertThat(service.getKind()).isEqualTo("aws_service");
    assertThat(service.getLogin()).isEqualTo("lambda.amazonaws.com");
    assertThat(service.getType()).isEqualTo(PrincipalType.SERVICE);
    Principal ic = byId.get("ct-0006").getActor();
    assertThat(ic.getKind()).isEqualTo("identity_center_user");
    assertThat(ic.getId()).isEqualTo("94482488-3041-7026-18f3-be45837cd0e4");
    assertThat(byId.get("ct-0007").getActor().getType()).isEqualTo(PrincipalType.ANONYMOUS);
    AuditEvent insight = byId.get("ct-0008");
    assertThat(insight.getActor()).isNull();
    assertThat(insight.getActionClass()).isEqualTo(ActionClass.OTHER);
  }

  @Test
  void dynamoDbDataEventsAreTheirOwnSource() {
    AuditEvent e = byId.get("ct-0009");
    assertThat(e.getSource()).isEqualTo(Source.DYNAMODB);
    assertThat(e.getActionClass()).isEqualTo(ActionClass.DATA_ACCESS);
    assertThat(e.getResource())
        .isEqualTo("arn:aws:dynamodb:us-east-1:111122223333:table/customers");
  }

  @Test
  void versionedLambdaNamesAndErrorCodes() {
    AuditEvent e = byId.get("ct-0010");
    assertThat(e.getActionClass()).isEqualTo(ActionClass.SENSITIVE_CHANGE);
    assertThat(e.getOutcome().getResult()).isEqualTo(OutcomeResult.FAILURE);
    assertThat(e.getOutcome().getReason()).startsWith("AccessDenied");
  }

  @Test
  void deactivatingAnotherUsersKeyIsARevocation() {
    AuditEvent e = byId.get("ct-0011");
    assertThat(e.getActionClass()).isEqualTo(ActionClass.REVOCATION);
    assertThat(e.getTargets().get(0).getAccessKeyId()).isEqualTo("AKIAEXAMPLEBOB0001");
  }

  @Test
  void lowerCasedKeysAndPantherFieldsAreHandled() {
    AuditEvent e = byId.get("ct-0012");
    assertThat(e.getAction()).isEqualTo("DeleteLoginProfile");
    assertThat(e.getActionClass()).isEqualTo(ActionClass.REVOCATION);
    assertThat(e.getActor().getLogin()).isEqualTo("alice");
    assertThat(e.getTargets().get(0).getLogin()).isEqualTo("bob");
    assertThat(e.getEventTime()).isEqualTo(Instant.parse("2024-03-01T10:11:00Z"));
    assertThat(e.getRaw()).doesNotContain("p_log_type").doesNotContain("p_any");
  }

  @Test
  void s3LogFileAndEventBridgeEnvelopesAreOpened() {
    assertThat(byId.get("s3-0001").getActionClass()).isEqualTo(ActionClass.SENSITIVE_CHANGE);
    assertThat(byId.get("s3-0002").getTargets().get(0).getLogin()).isEqualTo("bob");
    assertThat(byId.get("s3-0002").getRaw()).doesNotContain("Records");
    AuditEvent eb = byId.get("eb-0001");
    assertThat(eb.getAction()).isEqualTo("ChangeResourceRecordSets");
    assertThat(eb.getActionClass()).isEqualTo(ActionClass.SENSITIVE_CHANGE);
    assertThat(eb.getRaw()).doesNotContain("detail-type");
  }

  @Test
  void gzippedS3FileReadsTheSame(@TempDir Path tmp) throws Exception {
    Path gz = tmp.resolve("log.json.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(TestInputs.samples().resolve("cloudtrail/s3-log-file.json")));
    }
    List<AuditEvent> ev = events(normalizeAll(normalizer, gz));
    assertThat(ev).extracting(AuditEvent::getEventId).containsExactly("s3-0001", "s3-0002");
  }

  @Test
  void oktaEvents() {
    AuditEvent login = byId.get("okta-0001");
    assertThat(login.getSource()).isEqualTo(Source.OKTA);
    assertThat(login.getActionClass()).isEqualTo(ActionClass.AUTHENTICATION);
    assertThat(login.getActor().getEmail()).isEqualTo("frank@example.com");
    assertThat(login.getActor().getLogin()).isEqualTo("Frank@Example.com");
    assertThat(login.getSourceIp()).isEqualTo("198.51.100.20");
    assertThat(login.getUserAgent()).isEqualTo("Mozilla/5.0");

    AuditEvent deactivate = byId.get("okta-0002");
    assertThat(deactivate.getActionClass()).isEqualTo(ActionClass.REVOCATION);
    assertThat(deactivate.getEventTime()).isEqualTo(Instant.parse("2024-03-01T12:01:00.490Z"));
    assertThat(deactivate.getTargets())
        .extracting(Principal::getKind)
        .containsExactly("okta_user", "okta_app");
    assertThat(deactivate.getTargets().get(0).getId()).isEqualTo("00uFRANK");
    assertThat(deactivate.getTargets().get(1).getType()).isEqualTo(PrincipalType.SERVICE);

    AuditEvent token = byId.get("okta-0003");
    assertThat(token.getAction()).isEqualTo("system.api_token.create");
    assertThat(token.getActionClass()).isEqualTo(ActionClass.CREDENTIAL_CHANGE);
    assertThat(token.getTargets().get(0).getKind()).isEqualTo("okta_token");

    // 2017-09-31 does not exist: it rolls over to 1 October rather than losing the event
    assertThat(byId.get("okta-0004").getEventTime())
        .isEqualTo(Instant.parse("2017-10-01T22:23:07.777Z"));
    assertThat(byId.get("okta-0004").getOutcome().getReason()).isEqualTo("INVALID_CREDENTIALS");
    assertThat(byId.get("okta-0005").getActor().getKind()).isEqualTo("okta_system");
    assertThat(byId.get("okta-0005").getOutcome().getResult()).isEqualTo(OutcomeResult.UNKNOWN);
    assertThat(byId.get("okta-0005").getOutcome().getReason()).isEqualTo("CHALLENGE");
  }

  @Test
  void oktaEventHookHoldsSeveralEvents() {
    assertThat(byId.get("hook-ev-1").getActionClass()).isEqualTo(ActionClass.REVOCATION);
    assertThat(byId.get("hook-ev-1").getTargets().get(0).getEmail()).isEqualTo("hank@example.com");
    assertThat(byId.get("hook-ev-2").getTargets()).hasSize(2);
  }

  @Test
  void gitHubEvents() {
    List<AuditEvent> gh =
        byId.values().stream()
            .filter(e -> e.getSource() == Source.GITHUB)
            .collect(Collectors.toList());
    assertThat(gh).hasSize(6);
    AuditEvent removal =
        gh.stream()
            .filter(e -> e.getAction().equals("org.remove_member"))
            .findFirst()
            .orElseThrow();
    assertThat(removal.getEventId()).startsWith("sha256:");
    assertThat(removal.getActor().getLogin()).isEqualTo("ivy-admin");
    assertThat(removal.getTargets())
        .singleElement()
        .extracting(Principal::getLogin)
        .isEqualTo("jack");
    assertThat(removal.getActionClass()).isEqualTo(ActionClass.REVOCATION);
    assertThat(removal.getAccount()).isEqualTo("acme");
    assertThat(removal.getEventTime()).isEqualTo(Instant.ofEpochMilli(1709287200000L));

    AuditEvent pat = byId.get("gh-doc-0002");
    assertThat(pat.getActionClass()).isEqualTo(ActionClass.CREDENTIAL_CHANGE);
    assertThat(pat.getActor().getId()).isEqualTo("4242");
    assertThat(pat.getActor().getEmail()).isEqualTo("jack@example.com");
    assertThat(pat.getActor().getAccessKeyId()).isEqualTo("abcHASHEDtoken=");
    assertThat(pat.getSourceIp()).isEqualTo("198.51.100.40");
    assertThat(pat.getEventTime()).isEqualTo(Instant.ofEpochMilli(1709287260123L));

    AuditEvent transfer =
        gh.stream().filter(e -> e.getAction().equals("repo.transfer")).findFirst().orElseThrow();
    assertThat(transfer.getTargets())
        .extracting(Principal::getLogin)
        .containsExactly("kate-personal");
    assertThat(transfer.getEventTime()).isEqualTo(Instant.parse("2024-03-01T10:00:00.123Z"));
    assertThat(transfer.getResource()).isEqualTo("acme/app");

    AuditEvent bot =
        gh.stream().filter(e -> e.getAction().equals("git.clone")).findFirst().orElseThrow();
    assertThat(bot.getActor().getType()).isEqualTo(PrincipalType.SERVICE);
    assertThat(bot.getEventTime()).isEqualTo(Instant.ofEpochMilli(1709287320500L));
    assertThat(bot.getActionClass()).isEqualTo(ActionClass.DATA_ACCESS);

    AuditEvent api =
        gh.stream().filter(e -> e.getAction().equals("api.request")).findFirst().orElseThrow();
    assertThat(api.getActor().getAccessKeyId()).isEqualTo("777");
    assertThat(api.getAccount()).isEqualTo("acme-ent");

    AuditEvent ghes = byId.get("ghes-doc-1");
    assertThat(ghes.getActor().getLogin()).isEqualTo("leo");
    assertThat(ghes.getTargets().get(0).getLogin()).isEqualTo("mia");
    assertThat(ghes.getActionClass()).isEqualTo(ActionClass.PRIVILEGE_CHANGE);
    assertThat(ghes.getRaw()).doesNotContain("github_audit:");
  }

  @Test
  void missingTimeFallsBackToArrivalTime() {
    AuditEvent e =
        only(
            normalizer.normalize(
                raw(
                    "{\"eventName\":\"ListUsers\",\"eventSource\":\"iam.amazonaws.com\",\"eventTime\":\"redacted\"}")));
    assertThat(e.getEventTime()).isEqualTo(TestInputs.RECEIVED);
  }

  @Test
  void eventIdWithoutSourceIdIsStableAcrossKeyOrder() {
    AuditEvent a =
        only(
            normalizer.normalize(
                raw("{\"action\":\"git.clone\",\"actor\":\"x\",\"created_at\":1}")));
    AuditEvent b =
        only(
            normalizer.normalize(
                raw("{\"created_at\":1,\"actor\":\"x\",\"action\":\"git.clone\"}")));
    assertThat(a.getEventId()).isEqualTo(b.getEventId()).startsWith("sha256:");
  }
}
