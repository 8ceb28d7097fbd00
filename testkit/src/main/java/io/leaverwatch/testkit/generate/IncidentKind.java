package io.leaverwatch.testkit.generate;

import java.util.List;
import java.util.function.Predicate;

/**
 * The injected incidents, in the order they are handed out to leavers (so that a small organisation
 * still covers every finding type first). Each carries the findings it must produce.
 */
enum IncidentKind {
  PDA_OKTA_SUCCESS(
      "Okta sign-in by the leaver from a new IP after departure",
      Need.ANY,
      "POST_DEPARTURE_ACTIVITY:OKTA"),
  RA_GITHUB_MISSING(
      "GitHub org.remove_member never done",
      Need.ANY,
      "RETAINED_ACCESS:GITHUB",
      "OFFBOARDING_INCOMPLETE:"),
  OOW_AWS_CREATE_KEY(
      "a human admin created an access key for the flagged leaver's IAM user",
      Need.IAM_AND_NOTICE,
      "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE:CLOUDTRAIL"),
  SC_CLOUDTRAIL(
      "flagged leaver changed DNS/parameters/functions/secrets in AWS",
      Need.AWS_AND_NOTICE,
      "SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT:CLOUDTRAIL"),
  KIP_OKTA(
      "unknown account failed Okta sign-in from the leaver's home IP after departure",
      Need.ANY,
      "KNOWN_IP_ACCESS_ATTEMPT:OKTA"),
  PDA_GITHUB_CLONE(
      "git.clone by the leaver's login from a new IP after departure",
      Need.ANY,
      "POST_DEPARTURE_ACTIVITY:GITHUB"),
  PDA_CLOUDTRAIL_IAM(
      "leaver's IAM user used after departure; AWS offboarding never ran",
      Need.IAM,
      "POST_DEPARTURE_ACTIVITY:CLOUDTRAIL",
      "RETAINED_ACCESS:CLOUDTRAIL",
      "OFFBOARDING_INCOMPLETE:"),
  PDA_DYNAMODB(
      "DynamoDB Scan/GetItem by the leaver's IAM user after departure; AWS offboarding never ran",
      Need.IAM,
      "POST_DEPARTURE_ACTIVITY:DYNAMODB",
      "RETAINED_ACCESS:CLOUDTRAIL",
      "OFFBOARDING_INCOMPLETE:"),
  PDA_OKTA_FAILURE(
      "failed Okta sign-ins by the leaver from a new IP after departure",
      Need.ANY,
      "POST_DEPARTURE_ACTIVITY:OKTA"),
  PDA_GITHUB_PAT(
      "leaver's personal access token used against the API after departure",
      Need.PAT,
      "POST_DEPARTURE_ACTIVITY:GITHUB"),
  PDA_SSO_SESSION(
      "AWS SSO session named by the leaver's email used after departure",
      Need.SSO,
      "POST_DEPARTURE_ACTIVITY:CLOUDTRAIL"),
  RA_OKTA_FAILED(
      "Okta deactivation failed and was never retried",
      Need.ANY,
      "RETAINED_ACCESS:OKTA",
      "OFFBOARDING_INCOMPLETE:"),
  RA_AWS_FAILED(
      "AWS offboarding calls failed with AccessDenied and were never retried",
      Need.IAM,
      "RETAINED_ACCESS:CLOUDTRAIL",
      "OFFBOARDING_INCOMPLETE:"),
  RA_OKTA_LATE(
      "Okta deactivation done 3-5 h after departure (SLA 1 h)", Need.ANY, "RETAINED_ACCESS:OKTA"),
  RA_GITHUB_SNAPSHOT(
      "GitHub removal logged but the access snapshot still shows the membership",
      Need.ANY,
      "RETAINED_ACCESS:GITHUB"),
  RA_OKTA_REACTIVATED(
      "an admin re-activated the leaver's Okta user after offboarding",
      Need.ANY,
      "RETAINED_ACCESS:OKTA"),
  OOW_GITHUB_PAT(
      "flagged leaver created a GitHub token during the notice period",
      Need.NOTICE,
      "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE:GITHUB"),
  OOW_OKTA(
      "Okta MFA reset by an admin / API token created by the flagged leaver",
      Need.NOTICE,
      "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE:OKTA"),
  SC_GITHUB(
      "flagged leaver changed an Actions secret / the audit-log stream",
      Need.NOTICE,
      "SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT:GITHUB"),
  GRACE_ACTIVITY("git.clone 5 min after departure, inside the 15 min grace: no finding", Need.ANY),
  RESCINDED("departure rescinded; the person keeps working: no finding", Need.ANY),
  RA_GITHUB_MISSING_LEARNED(
      "GitHub removal never done for a login known only from SAML nameid",
      Need.UNDECLARED_GITHUB,
      "RETAINED_ACCESS:GITHUB",
      "OFFBOARDING_INCOMPLETE:");

  /** What a leaver must have for the incident to make sense. */
  enum Need {
    ANY(l -> true),
    NOTICE(l -> l.noticeAt() != null),
    IAM(l -> l.person().hasIamUser()),
    SSO(l -> l.person().awsAccess() == Person.AwsAccess.SSO_ONLY),
    PAT(l -> l.person().patHash() != null),
    IAM_AND_NOTICE(l -> l.person().hasIamUser() && l.noticeAt() != null),
    AWS_AND_NOTICE(l -> l.person().awsAccess() != Person.AwsAccess.NONE && l.noticeAt() != null),
    UNDECLARED_GITHUB(l -> !l.person().githubDeclared());

    final Predicate<Leaver> test;

    Need(Predicate<Leaver> test) {
      this.test = test;
    }
  }

  final String description;
  final Need need;
  final List<String> expected;

  IncidentKind(String description, Need need, String... expected) {
    this.description = description;
    this.need = need;
    this.expected = List.of(expected);
  }
}
