package io.leaverwatch.bench;

import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Normalisation throughput per source on one thread, payload bytes pre-loaded (records/s = ops/s).
 * The records are typical real shapes: an IAM call naming another user, an Okta session start with
 * client and target, a GitHub streaming event with token attribution.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NormalizeBenchmark {
  static final String CLOUDTRAIL =
      "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":"
          + "\"AROAEXAMPLE:carol@example.com\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/"
          + "AWSReservedSSO_Admin_0123/carol@example.com\",\"accountId\":\"111122223333\",\"accessKeyId\":"
          + "\"ASIAEXAMPLE0001\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":"
          + "\"AROAEXAMPLE\",\"arn\":\"arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123\","
          + "\"accountId\":\"111122223333\",\"userName\":\"AWSReservedSSO_Admin_0123\"},\"attributes\":"
          + "{\"creationDate\":\"2024-03-01T09:00:00Z\",\"mfaAuthenticated\":\"false\"}}},"
          + "\"eventTime\":\"2024-03-01T10:00:00Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":"
          + "\"CreateAccessKey\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.7\","
          + "\"userAgent\":\"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64\",\"requestParameters\":"
          + "{\"userName\":\"bob\"},\"responseElements\":{\"accessKey\":{\"userName\":\"bob\",\"accessKeyId\":"
          + "\"AKIAEXAMPLEBOB0001\",\"status\":\"Active\",\"createDate\":\"Mar 1, 2024 10:00:00 AM\"}},"
          + "\"requestID\":\"7c6c8f0b-1234-4f4e-9a5e-0123456789ab\",\"eventID\":"
          + "\"0a1b2c3d-1234-4f4e-9a5e-0123456789ab\",\"readOnly\":false,\"eventType\":\"AwsApiCall\","
          + "\"managementEvent\":true,\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Management\","
          + "\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\","
          + "\"clientProvidedHostHeader\":\"iam.amazonaws.com\"}}";
  static final String OKTA =
      "{\"uuid\":\"f1d0b993-cc19-11ed-a688-db22c99ef6c4\",\"published\":\"2024-03-01T12:00:00.123Z\","
          + "\"eventType\":\"user.session.start\",\"version\":\"0\",\"severity\":\"INFO\",\"legacyEventType\":"
          + "\"core.user_auth.login_success\",\"displayMessage\":\"User login to Okta\",\"actor\":{\"id\":"
          + "\"00u1abvz4pYqdM8ms4x6\",\"type\":\"User\",\"alternateId\":\"frank@example.com\",\"displayName\":"
          + "\"Frank\",\"detailEntry\":null},\"client\":{\"userAgent\":{\"rawUserAgent\":\"Mozilla/5.0 (Macintosh;"
          + " Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/120.0 Safari/537.36\",\"os\":\"Mac OS X\","
          + "\"browser\":\"CHROME\"},\"zone\":\"null\",\"device\":\"Computer\",\"id\":null,\"ipAddress\":"
          + "\"198.51.100.20\",\"geographicalContext\":{\"city\":\"Dublin\",\"state\":\"Leinster\",\"country\":"
          + "\"Ireland\",\"postalCode\":null,\"geolocation\":{\"lat\":53.3498,\"lon\":-6.2603}}},"
          + "\"authenticationContext\":{\"authenticationStep\":0,\"externalSessionId\":\"102nZHzd6OHSfGG51vsoc22gw\"},"
          + "\"outcome\":{\"result\":\"SUCCESS\",\"reason\":null},\"securityContext\":{\"asNumber\":577,"
          + "\"asOrg\":\"example\",\"isp\":\"exampleISP\",\"domain\":\"example.com\",\"isProxy\":false},"
          + "\"debugContext\":{\"debugData\":{\"requestId\":\"X7LBsMxeqO-ADcGcmp0WGQAAB@g\",\"requestUri\":"
          + "\"/idp/idx/identify\",\"url\":\"/idp/idx/identify?\"}},\"transaction\":{\"type\":\"WEB\",\"id\":"
          + "\"X7LBsMxeqO-ADcGcmp0WGQAAB@g\",\"detail\":{}},\"request\":{\"ipChain\":[{\"ip\":\"198.51.100.20\","
          + "\"version\":\"V4\",\"source\":null}]},\"target\":[{\"id\":\"0oa1\",\"type\":\"AppInstance\","
          + "\"alternateId\":\"Okta Dashboard\",\"displayName\":\"Okta Dashboard\"}]}";
  static final String GITHUB =
      "{\"@timestamp\":1709287260123,\"_document_id\":\"xJJFlFOhQ6b-5vaAFy9Rjw\",\"action\":"
          + "\"personal_access_token.create\",\"actor\":\"jack\",\"actor_id\":4242,\"actor_ip\":\"198.51.100.40\","
          + "\"actor_location\":{\"country_code\":\"IE\"},\"business\":\"acme-ent\",\"business_id\":1,\"org\":"
          + "\"acme\",\"org_id\":7,\"external_identity_nameid\":\"jack@example.com\",\"hashed_token\":"
          + "\"abcHASHEDtoken=\",\"programmatic_access_type\":\"personal_access_token\",\"user_agent\":"
          + "\"curl/8.4.0\",\"operation_type\":\"create\",\"created_at\":1709287260123,\"user\":\"jack\","
          + "\"user_id\":4242,\"token_scopes\":\"repo,read:org\"}";

  private EventNormalizer normalizer;
  private RawAuditRecord cloudTrail;
  private RawAuditRecord okta;
  private RawAuditRecord gitHub;

  @Setup
  public void setUp() {
    normalizer = new EventNormalizer(ActionClassifier.load(RulesDirectory.resolve()));
    cloudTrail = record(CLOUDTRAIL);
    okta = record(OKTA);
    gitHub = record(GITHUB);
    for (RawAuditRecord r : List.of(cloudTrail, okta, gitHub)) {
      if (!(normalizer.normalize(r).get(0) instanceof Normalization.Normalized)) {
        throw new IllegalStateException("benchmark record does not normalise: " + r.getOrigin());
      }
    }
  }

  private static RawAuditRecord record(String json) {
    return new RawAuditRecord(
        null,
        Instant.EPOCH,
        "bench",
        "line 1",
        ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)),
        null);
  }

  @Benchmark
  public List<Normalization> cloudTrail() {
    return normalizer.normalize(cloudTrail);
  }

  @Benchmark
  public List<Normalization> okta() {
    return normalizer.normalize(okta);
  }

  @Benchmark
  public List<Normalization> gitHub() {
    return normalizer.normalize(gitHub);
  }
}
