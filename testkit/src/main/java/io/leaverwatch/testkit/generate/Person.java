package io.leaverwatch.testkit.generate;

import java.util.List;

/**
 * One employee of the generated organisation and every identity they hold.
 *
 * @param awsAccess how the person reaches AWS: an IAM user, only an IAM Identity Center (SSO)
 *     session named by their email, or not at all
 * @param githubDeclared false for the few people whose GitHub login is not in identities.csv and
 *     must be learned from {@code external_identity_nameid} on their own events
 * @param patHash the {@code hashed_token} of a classic PAT they use against the API, or null
 */
public record Person(
    int index,
    String personId,
    String displayName,
    String email,
    String role,
    String oktaId,
    String githubLogin,
    long githubActorId,
    boolean githubDeclared,
    AwsAccess awsAccess,
    String iamUserName,
    String iamPrincipalId,
    List<String> accessKeyIds,
    String homeIp,
    String officeIp,
    String vpnIp,
    String patHash,
    long patTokenId,
    String browserAgent,
    boolean admin) {

  /** How a person reaches the AWS account. */
  public enum AwsAccess {
    IAM_USER,
    SSO_ONLY,
    NONE
  }

  public boolean hasIamUser() {
    return awsAccess == AwsAccess.IAM_USER;
  }

  public String iamUserArn() {
    return "arn:aws:iam::" + OrgGenerator.ACCOUNT_ID + ":user/" + iamUserName;
  }
}
