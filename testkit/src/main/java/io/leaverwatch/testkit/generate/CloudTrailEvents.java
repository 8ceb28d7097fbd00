package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

/** CloudTrail records (management and DynamoDB/S3 data events) as delivered in S3 log files. */
final class CloudTrailEvents {
  static final String ACCOUNT = OrgGenerator.ACCOUNT_ID;
  static final String SSO_ROLE = "AWSReservedSSO_Developer_abc123";
  static final String SSO_ROLE_PRINCIPAL = "AROA4XKQ7Z2NSSODEV01X";
  static final String AUTOMATION_ROLE = "offboarding-automation";
  static final String AUTOMATION_ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/" + AUTOMATION_ROLE;
  static final String AUTOMATION_ROLE_PRINCIPAL = "AROA4XKQ7Z2NOFFBOARD1";
  static final String AUTOMATION_UA =
      "aws-sdk-java/2.28.16 Linux/5.10.226-214.880.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12"
          + " exec-env/AWS_Lambda_java17";
  static final String CLI_UA =
      "aws-cli/2.17.61 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6"
          + " md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off"
          + " md/command#%s";
  static final String CONSOLE_UA = "AWS Internal";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final DateTimeFormatter CREATE_DATE =
      DateTimeFormatter.ofPattern("MMM d, yyyy, h:mm:ss a", Locale.US).withZone(ZoneOffset.UTC);

  private CloudTrailEvents() {}

  /** The caller of a record: its {@code userIdentity} and the user agent it used. */
  record Caller(ObjectNode userIdentity, String userAgent) {}

  static String iso(long epochMs) {
    return Instant.ofEpochMilli(epochMs - Math.floorMod(epochMs, 1000)).toString();
  }

  static String createDate(long epochMs) {
    return CREATE_DATE.format(Instant.ofEpochMilli(epochMs));
  }

  /** An IAM user calling with a long-term key (CLI/SDK); no key for a console sign-in. */
  static ObjectNode iamUser(Person p, String accessKeyId) {
    ObjectNode id = F.objectNode();
    id.put("type", "IAMUser");
    id.put("principalId", p.iamPrincipalId());
    id.put("arn", p.iamUserArn());
    id.put("accountId", ACCOUNT);
    if (accessKeyId != null) {
      id.put("accessKeyId", accessKeyId);
    }
    id.put("userName", p.iamUserName());
    return id;
  }

  /** An IAM user inside a console session (temporary ASIA credentials, MFA-authenticated). */
  static ObjectNode iamConsoleUser(SplittableRandom rng, Person p, long sessionStartMs) {
    ObjectNode id = iamUser(p, Ids.accessKeyId(rng, "ASIA"));
    ObjectNode attrs = id.putObject("sessionContext").putObject("attributes");
    attrs.put("creationDate", iso(sessionStartMs));
    attrs.put("mfaAuthenticated", "true");
    return id;
  }

  /** An IAM Identity Center session: the session name is the person's email. */
  static ObjectNode ssoSession(SplittableRandom rng, String email, long sessionStartMs) {
    return assumedRole(
        rng,
        SSO_ROLE,
        "arn:aws:iam::" + ACCOUNT + ":role/aws-reserved/sso.amazonaws.com/" + SSO_ROLE,
        SSO_ROLE_PRINCIPAL,
        email,
        sessionStartMs,
        "false");
  }

  static ObjectNode automation(SplittableRandom rng, int run, long sessionStartMs) {
    return assumedRole(
        rng,
        AUTOMATION_ROLE,
        AUTOMATION_ROLE_ARN,
        AUTOMATION_ROLE_PRINCIPAL,
        "offboarding-run-" + run,
        sessionStartMs,
        "false");
  }

  private static ObjectNode assumedRole(
      SplittableRandom rng,
      String role,
      String roleArn,
      String rolePrincipal,
      String session,
      long sessionStartMs,
      String mfa) {
    ObjectNode id = F.objectNode();
    id.put("type", "AssumedRole");
    id.put("principalId", rolePrincipal + ":" + session);
    id.put("arn", "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/" + session);
    id.put("accountId", ACCOUNT);
    id.put("accessKeyId", Ids.accessKeyId(rng, "ASIA"));
    ObjectNode ctx = id.putObject("sessionContext");
    ObjectNode issuer = ctx.putObject("sessionIssuer");
    issuer.put("type", "Role");
    issuer.put("principalId", rolePrincipal);
    issuer.put("arn", roleArn);
    issuer.put("accountId", ACCOUNT);
    issuer.put("userName", role);
    ObjectNode attrs = ctx.putObject("attributes");
    attrs.put("creationDate", iso(sessionStartMs));
    attrs.put("mfaAuthenticated", mfa);
    return id;
  }

  /**
   * A management API call. {@code request}/{@code response} may be null (serialised as JSON null,
   * as CloudTrail does); {@code errorCode} null means success.
   */
  static ObjectNode apiCall(
      SplittableRandom rng,
      long epochMs,
      ObjectNode userIdentity,
      String eventSource,
      String eventName,
      String region,
      String ip,
      String userAgent,
      ObjectNode request,
      ObjectNode response,
      String errorCode,
      String errorMessage,
      boolean readOnly) {
    ObjectNode e = F.objectNode();
    e.put("eventVersion", "1.09");
    e.set("userIdentity", userIdentity);
    e.put("eventTime", iso(epochMs));
    e.put("eventSource", eventSource);
    e.put("eventName", eventName);
    e.put("awsRegion", region);
    e.put("sourceIPAddress", ip);
    e.put("userAgent", userAgent);
    if (errorCode != null) {
      e.put("errorCode", errorCode);
      e.put("errorMessage", errorMessage);
    }
    e.set("requestParameters", request == null ? F.nullNode() : request);
    e.set("responseElements", response == null ? F.nullNode() : response);
    e.put("requestID", Ids.uuid(rng));
    e.put("eventID", Ids.uuid(rng));
    e.put("readOnly", readOnly);
    e.put("eventType", "AwsApiCall");
    e.put("managementEvent", true);
    e.put("recipientAccountId", ACCOUNT);
    e.put("eventCategory", "Management");
    ObjectNode tls = e.putObject("tlsDetails");
    tls.put("tlsVersion", "TLSv1.3");
    tls.put("cipherSuite", "TLS_AES_128_GCM_SHA256");
    tls.put(
        "clientProvidedHostHeader",
        eventSource.replace(".amazonaws.com", "") + "." + region + ".amazonaws.com");
    return e;
  }

  /** A console sign-in ({@code eventType AwsConsoleSignIn}). */
  static ObjectNode consoleLogin(
      SplittableRandom rng,
      long epochMs,
      ObjectNode userIdentity,
      String ip,
      String ua,
      boolean success) {
    ObjectNode e = F.objectNode();
    e.put("eventVersion", "1.09");
    e.set("userIdentity", userIdentity);
    e.put("eventTime", iso(epochMs));
    e.put("eventSource", "signin.amazonaws.com");
    e.put("eventName", "ConsoleLogin");
    e.put("awsRegion", "us-east-1");
    e.put("sourceIPAddress", ip);
    e.put("userAgent", ua);
    if (!success) {
      e.put("errorMessage", "Failed authentication");
    }
    e.putNull("requestParameters");
    e.putObject("responseElements").put("ConsoleLogin", success ? "Success" : "Failure");
    ObjectNode extra = e.putObject("additionalEventData");
    extra.put("LoginTo", "https://console.aws.amazon.com/console/home?region=us-east-1");
    extra.put("MobileVersion", "No");
    extra.put(
        "MFAIdentifier",
        "arn:aws:iam::" + ACCOUNT + ":mfa/" + userIdentity.path("userName").asText("device"));
    extra.put("MFAUsed", "Yes");
    e.put("eventID", Ids.uuid(rng));
    e.put("readOnly", false);
    e.put("eventType", "AwsConsoleSignIn");
    e.put("managementEvent", true);
    e.put("recipientAccountId", ACCOUNT);
    e.put("eventCategory", "Management");
    return e;
  }

  /** A DynamoDB data-plane call on one table. */
  static ObjectNode dynamoDb(
      SplittableRandom rng,
      long epochMs,
      ObjectNode userIdentity,
      String eventName,
      String table,
      String region,
      String ip,
      String ua) {
    ObjectNode req = F.objectNode();
    boolean readOnly = !eventName.equals("PutItem");
    switch (eventName) {
      case "BatchGetItem" -> {
        ObjectNode items = req.putObject("requestItems").putObject(table);
        items.putArray("keys").addObject().put("id", "***(Redacted)");
        items.put("consistentRead", false);
      }
      case "Query" -> {
        req.put("tableName", table);
        req.put("keyConditionExpression", "#pk = :pk");
        req.putObject("expressionAttributeNames").put("#pk", "customer_id");
        req.put("limit", 50);
      }
      case "Scan" -> {
        req.put("tableName", table);
        req.put("select", "ALL_ATTRIBUTES");
        req.put("limit", 1000);
      }
      case "PutItem" -> {
        req.put("tableName", table);
        req.putObject("key").put("id", "***(Redacted)");
        req.putArray("item").add("id").add("updated_at").add("status");
      }
      default -> {
        req.put("tableName", table);
        req.putObject("key").put("id", "***(Redacted)");
        req.put("consistentRead", false);
      }
    }
    req.put("returnConsumedCapacity", "NONE");
    ObjectNode e = F.objectNode();
    e.put("eventVersion", "1.09");
    e.set("userIdentity", userIdentity);
    e.put("eventTime", iso(epochMs));
    e.put("eventSource", "dynamodb.amazonaws.com");
    e.put("eventName", eventName);
    e.put("awsRegion", region);
    e.put("sourceIPAddress", ip);
    e.put("userAgent", ua);
    e.set("requestParameters", req);
    e.putNull("responseElements");
    e.put("requestID", Ids.upperAlnum(rng, 52));
    e.put("eventID", Ids.uuid(rng));
    e.put("readOnly", readOnly);
    ObjectNode res = e.putArray("resources").addObject();
    res.put("accountId", ACCOUNT);
    res.put("type", "AWS::DynamoDB::Table");
    res.put("ARN", "arn:aws:dynamodb:" + region + ":" + ACCOUNT + ":table/" + table);
    e.put("eventType", "AwsApiCall");
    e.put("apiVersion", "2012-08-10");
    e.put("managementEvent", false);
    e.put("recipientAccountId", ACCOUNT);
    e.put("eventCategory", "Data");
    return e;
  }

  /** An S3 GetObject data event. */
  static ObjectNode s3GetObject(
      SplittableRandom rng,
      long epochMs,
      ObjectNode userIdentity,
      String bucket,
      String key,
      String ip,
      String ua) {
    ObjectNode req = F.objectNode();
    req.put("bucketName", bucket);
    req.put("Host", bucket + ".s3.us-east-1.amazonaws.com");
    req.put("key", key);
    ObjectNode e = F.objectNode();
    e.put("eventVersion", "1.09");
    e.set("userIdentity", userIdentity);
    e.put("eventTime", iso(epochMs));
    e.put("eventSource", "s3.amazonaws.com");
    e.put("eventName", "GetObject");
    e.put("awsRegion", "us-east-1");
    e.put("sourceIPAddress", ip);
    e.put("userAgent", ua);
    e.set("requestParameters", req);
    e.putNull("responseElements");
    ObjectNode extra = e.putObject("additionalEventData");
    extra.put("SignatureVersion", "SigV4");
    extra.put("CipherSuite", "TLS_AES_128_GCM_SHA256");
    extra.put("bytesTransferredIn", 0);
    extra.put("AuthenticationMethod", "AuthHeader");
    extra.put("x-amz-id-2", Ids.base64(rng, 48));
    extra.put("bytesTransferredOut", 1024 + rng.nextInt(4_000_000));
    e.put("requestID", Ids.upperAlnum(rng, 16));
    e.put("eventID", Ids.uuid(rng));
    e.put("readOnly", true);
    var resources = e.putArray("resources");
    ObjectNode obj = resources.addObject();
    obj.put("type", "AWS::S3::Object");
    obj.put("ARN", "arn:aws:s3:::" + bucket + "/" + key);
    ObjectNode b = resources.addObject();
    b.put("accountId", ACCOUNT);
    b.put("type", "AWS::S3::Bucket");
    b.put("ARN", "arn:aws:s3:::" + bucket);
    e.put("eventType", "AwsApiCall");
    e.put("managementEvent", false);
    e.put("recipientAccountId", ACCOUNT);
    e.put("eventCategory", "Data");
    return e;
  }

  static ObjectNode obj() {
    return F.objectNode();
  }
}
