package io.leaverwatch.ingest.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/** SDK clients pointed at a local fake, with static keys and retries that do not wait. */
public final class AwsTestClients {
  public static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTSECRET";

  private AwsTestClients() {}

  static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET_KEY));
  }

  static AwsRetryStrategyHolder retries() {
    return new AwsRetryStrategyHolder();
  }

  static final class AwsRetryStrategyHolder {
    final software.amazon.awssdk.retries.api.RetryStrategy strategy =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .backoffStrategy(BackoffStrategy.retryImmediately())
            .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
            .build();
  }

  public static CloudTrailClient cloudTrail(String endpoint, String region) {
    return CloudTrailClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.of(region))
        .credentialsProvider(credentials())
        .overrideConfiguration(c -> c.retryStrategy(retries().strategy))
        .build();
  }

  public static S3Client s3(String endpoint) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(credentials())
        .overrideConfiguration(c -> c.retryStrategy(retries().strategy))
        .build();
  }

  public static IamClient iam(String endpoint) {
    return IamClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(credentials())
        .overrideConfiguration(c -> c.retryStrategy(retries().strategy))
        .build();
  }
}
