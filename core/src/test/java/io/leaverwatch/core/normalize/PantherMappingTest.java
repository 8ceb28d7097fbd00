package io.leaverwatch.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * For the labelled Panther tests whose rule is about credentials, membership, lifecycle, sessions
 * or data access, every expected=true log normalises to the class that matches the rule's meaning,
 * with the actor and target the rule is about. Skipped when the fixtures folder is absent.
 */
class PantherMappingTest {
  /** What a rule's positive logs must look like once normalised. */
  record Expect(ActionClass actionClass, String actorKind, String targetKind) {}

  private static final String ANY = null;

  static final Map<String, Expect> TABLE =
      Map.ofEntries(
          // credentials
          Map.entry(
              "AWS.IAM.Backdoor.User.Keys",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "iam_user", "iam_user")),
          Map.entry(
              "AWS.CloudTrail.LoginProfileCreatedOrModified",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "assumed_role", "iam_user")),
          Map.entry(
              "AWS.User.Login.Profile.Modified",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "assumed_role", "iam_user")),
          Map.entry(
              "AWS.CloudTrail.RootAccessKeyCreated",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "root", ANY)),
          Map.entry(
              "AWS.CloudTrail.RootPasswordChanged",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "root", ANY)),
          Map.entry(
              "AWS.IAM.CredentialsUpdated",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "iam_user", ANY)),
          Map.entry(
              "AWS.RDS.MasterPasswordUpdated",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "assumed_role", ANY)),
          Map.entry(
              "GitHub.User.AccessKeyCreated",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "github_user", ANY)),
          Map.entry(
              "Okta.APIKeyCreated", new Expect(ActionClass.CREDENTIAL_CHANGE, "okta_user", ANY)),
          // revoking an API token is a revocation (deleting a key); see
          // rules/action-classes/okta.yaml
          Map.entry("Okta.APIKeyRevoked", new Expect(ActionClass.REVOCATION, "okta_user", ANY)),
          Map.entry(
              "Okta.Support.Reset",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "okta_user", "okta_user")),
          Map.entry(
              "Okta.User.MFA.Reset.All",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "okta_user", "okta_user")),
          Map.entry(
              "Okta.User.MFA.Reset.Single",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "okta_user", "okta_user")),
          Map.entry(
              "Okta.User.MFA.Factor.Suspend",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "okta_user", "okta_user")),
          Map.entry(
              "Okta.ServiceApp.MFA.Factor.Deactivate",
              new Expect(ActionClass.CREDENTIAL_CHANGE, "okta_app", "okta_user")),
          // membership and privileges
          Map.entry(
              "Github.Repo.CollaboratorChange", new Expect(null, "github_user", "github_user")),
          Map.entry(
              "GitHub.User.RoleUpdated",
              new Expect(ActionClass.PRIVILEGE_CHANGE, "github_user", "github_user")),
          Map.entry(
              "Standard.AdminRoleAssigned", new Expect(ActionClass.PRIVILEGE_CHANGE, ANY, ANY)),
          Map.entry(
              "Okta.AdminRoleAssigned",
              new Expect(ActionClass.PRIVILEGE_CHANGE, "okta_user", "okta_user")),
          Map.entry(
              "Okta.Group.Admin.Role.Assigned",
              new Expect(ActionClass.PRIVILEGE_CHANGE, "okta_user", ANY)),
          Map.entry(
              "Okta.Support.Access", new Expect(ActionClass.PRIVILEGE_CHANGE, "okta_user", ANY)),
          Map.entry(
              "AWS.IAM.AttachAdminUserPolicy",
              new Expect(ActionClass.PRIVILEGE_CHANGE, "assumed_role", "iam_user")),
          Map.entry(
              "AWS.IAM.CreateUser",
              new Expect(ActionClass.PRIVILEGE_CHANGE, "assumed_role", "iam_user")),
          Map.entry(
              "AWS.IAM.BackdoorRole",
              new Expect(ActionClass.PRIVILEGE_CHANGE, "assumed_role", ANY)),
          // sessions
          Map.entry("AWS.Console.Sign-In", new Expect(ActionClass.AUTHENTICATION, ANY, ANY)),
          Map.entry("AWS.Console.RootLogin", new Expect(ActionClass.AUTHENTICATION, "root", ANY)),
          Map.entry(
              "AWS.Console.LoginWithoutMFA", new Expect(ActionClass.AUTHENTICATION, ANY, ANY)),
          Map.entry(
              "AWS.Console.LoginFailed", new Expect(ActionClass.AUTHENTICATION, "iam_user", ANY)),
          Map.entry(
              "AWS.STS.GetSessionToken.Misuse",
              new Expect(ActionClass.AUTHENTICATION, "iam_user", ANY)),
          Map.entry("Okta.Login.Success", new Expect(ActionClass.AUTHENTICATION, "okta_user", ANY)),
          Map.entry(
              "Okta.PotentiallyStolenSession",
              new Expect(ActionClass.AUTHENTICATION, "okta_user", ANY)),
          Map.entry("Okta.SSO.to.AWS", new Expect(ActionClass.AUTHENTICATION, ANY, "okta_app")),
          Map.entry(
              "Okta.ServiceApp.DangerousScope.TokenGrant",
              new Expect(ActionClass.AUTHENTICATION, "okta_app", ANY)),
          // data access
          Map.entry(
              "AWS.SecretsManager.RetrieveSecrets",
              new Expect(ActionClass.DATA_ACCESS, "assumed_role", ANY)),
          Map.entry(
              "AWS.SecretsManager.BatchRetrieveSecrets",
              new Expect(ActionClass.DATA_ACCESS, ANY, ANY)),
          Map.entry(
              "AWS.SSM.DecryptSSMParams", new Expect(ActionClass.DATA_ACCESS, "assumed_role", ANY)),
          Map.entry(
              "AWS.EC2.ManyPasswordReadAttempts",
              new Expect(ActionClass.DATA_ACCESS, "assumed_role", ANY)),
          Map.entry("Okta.PasswordAccess", new Expect(ActionClass.DATA_ACCESS, "okta_user", ANY)),
          // tampering with what would show the leaver
          Map.entry(
              "AWS.CloudTrail.Stopped",
              new Expect(ActionClass.SENSITIVE_CHANGE, "assumed_role", ANY)),
          Map.entry(
              "AWS.CloudTrail.EventSelectorsDisabled",
              new Expect(ActionClass.SENSITIVE_CHANGE, ANY, ANY)),
          Map.entry(
              "AWS.KMS.CustomerManagedKeyLoss", new Expect(ActionClass.SENSITIVE_CHANGE, ANY, ANY)),
          Map.entry(
              "Okta.Global.MFA.Disabled",
              new Expect(ActionClass.SENSITIVE_CHANGE, "okta_user", ANY)));

  /** Rules whose positives include both an add and a remove: class checked per action. */
  static final Map<String, ActionClass> BY_ACTION =
      Map.of(
          "repo.add_member", ActionClass.PRIVILEGE_CHANGE,
          "repo.remove_member", ActionClass.REVOCATION);

  @Test
  void positiveLogsOfCredentialMembershipSessionAndDataRulesMapAsTheRuleMeans() throws Exception {
    Path fixtures = TestInputs.fixtures();
    assumeTrue(fixtures != null && Files.isDirectory(fixtures), "fixtures folder absent");
    assertThat(TABLE).hasSizeGreaterThanOrEqualTo(25);
    EventNormalizer normalizer = TestInputs.normalizer();
    Set<String> seen = new HashSet<>();
    for (String f : List.of("cloudtrail", "okta", "github")) {
      for (String line :
          Files.readAllLines(fixtures.resolve(f).resolve("panther-rule-tests.ndjson"))) {
        JsonNode test = Json.mapper().readTree(line);
        String rule = test.get("rule").asText();
        Expect expect = TABLE.get(rule);
        if (expect == null || !test.get("expected").asBoolean()) {
          continue;
        }
        seen.add(rule);
        List<Normalization> out =
            normalizer.normalize(TestInputs.raw(line.getBytes(StandardCharsets.UTF_8)));
        AuditEvent e = TestInputs.only(out);
        String what = rule + " / " + test.get("name").asText() + " (" + e.getAction() + ")";
        ActionClass wanted =
            expect.actionClass() != null ? expect.actionClass() : BY_ACTION.get(e.getAction());
        assertThat(e.getActionClass()).as(what).isEqualTo(wanted);
        if (expect.actorKind() != null) {
          assertThat(e.getActor()).as(what + " actor").isNotNull();
          assertThat(e.getActor().getKind()).as(what + " actor").isEqualTo(expect.actorKind());
        }
        if (expect.targetKind() != null) {
          assertThat(e.getTargets())
              .as(what + " targets")
              .extracting(Principal::getKind)
              .contains(expect.targetKind());
        }
        if (rule.equals("AWS.IAM.Backdoor.User.Keys")) {
          assertThat(e.getTargets().get(0).getLogin())
              .as(what)
              .isNotEqualTo(e.getActor().getLogin());
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(TABLE.keySet());
  }
}
