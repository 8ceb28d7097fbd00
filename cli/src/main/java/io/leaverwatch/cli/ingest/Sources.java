package io.leaverwatch.cli.ingest;

import io.leaverwatch.cli.UsageException;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.Sleeper;
import io.leaverwatch.ingest.aws.CloudTrailLookupSource;
import io.leaverwatch.ingest.aws.S3LogFileSource;
import io.leaverwatch.ingest.github.GitHubAuditLog;
import io.leaverwatch.ingest.http.Credentials;
import io.leaverwatch.ingest.http.LinkPagedSource;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import io.leaverwatch.ingest.okta.OktaOAuthCredentials;
import io.leaverwatch.ingest.okta.OktaSystemLog;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds connectors and their clients from resolved settings. */
final class Sources {
  private static final int MAX_ATTEMPTS = 8;

  private Sources() {}

  static RateLimitedHttp gitHubHttp(IngestConfig config, Clock clock, IngestLog log) {
    String token = config.secret("GITHUB_TOKEN", "github", "token_file");
    if (token == null) {
      throw new UsageException("GITHUB_TOKEN is not set (nor github.token_file in --config)");
    }
    return new RateLimitedHttp(
        "GitHub",
        Credentials.fixed("Bearer", token),
        "x-ratelimit",
        clock,
        Sleeper.REAL,
        log,
        MAX_ATTEMPTS);
  }

  static String gitHubScope(String org, String enterprise) {
    if (org != null && enterprise != null) {
      throw new UsageException("give --org or --enterprise, not both");
    }
    if (org != null) {
      return "orgs/" + org;
    }
    if (enterprise != null) {
      return "enterprises/" + enterprise;
    }
    throw new UsageException("--org ORG or --enterprise E is required (or github.org in --config)");
  }

  static LinkPagedSource gitHub(
      RateLimitedHttp http, String baseUrl, String scope, Instant since, boolean allowInsecure) {
    return GitHubAuditLog.source(
        http,
        baseUrl == null
            ? GitHubAuditLog.DEFAULT_BASE_URL
            : secureUrl(baseUrl, "--base-url", allowInsecure),
        scope,
        since);
  }

  static RateLimitedHttp oktaHttp(IngestConfig config, String baseUrl, Clock clock, IngestLog log) {
    Credentials creds;
    String token = config.secret("OKTA_API_TOKEN", "okta", "token_file");
    String clientId = config.get("okta", "client_id");
    if (clientId == null && config.node("okta", "oauth") != null) {
      clientId = config.node("okta", "oauth").path("client_id").asText(null);
    }
    if (token != null) {
      creds = Credentials.fixed("SSWS", token);
    } else if (clientId != null) {
      var oauth = config.node("okta", "oauth");
      String keyFile =
          oauth == null
              ? config.get("okta", "private_key_file")
              : oauth.path("private_key_file").asText(null);
      String keyId =
          oauth == null ? config.get("okta", "key_id") : oauth.path("key_id").asText(null);
      List<String> scopes =
          oauth == null || !oauth.has("scopes")
              ? List.of("okta.logs.read")
              : listOf(oauth.get("scopes"));
      if (keyFile == null) {
        throw new UsageException(
            "okta OAuth needs private_key_file (a PKCS#8 PEM) next to client_id");
      }
      try {
        creds =
            new OktaOAuthCredentials(
                baseUrl, clientId, Path.of(keyFile), keyId, scopes, clock, log);
      } catch (IOException e) {
        throw new UsageException("okta private key: " + e.getMessage());
      }
    } else {
      throw new UsageException(
          "OKTA_API_TOKEN is not set (nor okta.token_file, nor okta.oauth.client_id in --config)");
    }
    return new RateLimitedHttp(
        "Okta", creds, "x-rate-limit", clock, Sleeper.REAL, log, MAX_ATTEMPTS);
  }

  private static List<String> listOf(com.fasterxml.jackson.databind.JsonNode n) {
    if (n.isArray()) {
      List<String> out = new java.util.ArrayList<>();
      n.forEach(x -> out.add(x.asText()));
      return out;
    }
    return List.of(n.asText().split("[ ,]+"));
  }

  static String oktaBaseUrl(String baseUrl, boolean allowInsecure) {
    if (baseUrl == null) {
      throw new UsageException(
          "--base-url https://YOUR-ORG.okta.com is required (or okta.base_url)");
    }
    return secureUrl(baseUrl, "--base-url", allowInsecure);
  }

  static LinkPagedSource okta(RateLimitedHttp http, String baseUrl, Instant since) {
    return OktaSystemLog.source(http, baseUrl, since);
  }

  static String url(String value, String flag) {
    try {
      URI u = URI.create(value);
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + " " + value + ": not an http(s) URL");
    }
  }

  /**
   * A URL that credentials will be sent to: https, or plain http only with --allow-insecure (a
   * token, an OAuth assertion or an AWS session token would otherwise cross the network in clear).
   */
  static String secureUrl(String value, String flag, boolean allowInsecure) {
    String u = url(value, flag);
    if (!allowInsecure && URI.create(u).getScheme().equals("http")) {
      throw new UsageException(
          flag
              + " "
              + u
              + ": credentials are not sent over plain http://; use https://, or pass"
              + " --allow-insecure for a local test server");
    }
    return u;
  }

  static Region region(String r) {
    if (r == null || r.isBlank()) {
      throw new UsageException("--region is required");
    }
    return Region.of(r);
  }

  static CloudTrailClient cloudTrail(String region, String endpoint, boolean allowInsecure) {
    var b = CloudTrailClient.builder().region(region(region));
    if (endpoint != null) {
      b.endpointOverride(URI.create(secureUrl(endpoint, "--endpoint", allowInsecure)));
    }
    return b.build();
  }

  static CloudTrailLookupSource cloudTrailSource(
      CloudTrailClient client,
      String region,
      String endpoint,
      Instant since,
      Duration settle,
      Duration overlap,
      Clock clock) {
    String origin =
        (endpoint != null ? endpoint : "https://cloudtrail." + region + ".amazonaws.com")
            + " LookupEvents";
    if (overlap != null && overlap.isNegative()) {
      throw new UsageException("--overlap (cloudtrail.overlap) must not be negative");
    }
    return new CloudTrailLookupSource(
        client,
        region,
        origin,
        since,
        settle,
        overlap == null ? CloudTrailLookupSource.DEFAULT_OVERLAP : overlap,
        clock);
  }

  static S3Client s3(String region, String endpoint, boolean allowInsecure) {
    var b = S3Client.builder().region(region(region == null ? "us-east-1" : region));
    if (endpoint != null) {
      b.endpointOverride(URI.create(secureUrl(endpoint, "--endpoint", allowInsecure)))
          .forcePathStyle(true);
    }
    return b.build();
  }

  /**
   * How far back an S3 connector lists again and how large an object it reads; null: the default.
   */
  record S3Limits(String lookback, String lookbackKeys, String maxObjectBytes) {
    static S3Limits from(IngestConfig c) {
      return new S3Limits(
          c.get("s3", "lookback"), c.get("s3", "lookback_keys"), c.get("s3", "max_object_bytes"));
    }
  }

  static S3LogFileSource s3Source(
      S3Client s3,
      String bucket,
      String prefix,
      String source,
      S3Limits limits,
      Clock clock,
      IngestLog log) {
    if (bucket == null) {
      throw new UsageException("--bucket is required (or s3.bucket in --config)");
    }
    String s = source == null ? "cloudtrail" : source;
    if (!s.equals("cloudtrail") && !s.equals("github")) {
      throw new UsageException("--source " + s + ": expected cloudtrail or github");
    }
    Duration lookback = IngestConfig.duration(limits.lookback(), "--lookback (s3.lookback)");
    if (lookback != null && lookback.isNegative()) {
      throw new UsageException("--lookback (s3.lookback) must not be negative");
    }
    long keys = positive(limits.lookbackKeys(), "s3.lookback_keys");
    long cap = positive(limits.maxObjectBytes(), "--max-object-bytes (s3.max_object_bytes)");
    return new S3LogFileSource(
        s3,
        bucket,
        prefix,
        s,
        log,
        clock,
        lookback == null ? S3LogFileSource.DEFAULT_LOOKBACK : lookback,
        keys < 0 ? S3LogFileSource.DEFAULT_LOOKBACK_KEYS : (int) Math.min(keys, Integer.MAX_VALUE),
        cap < 0 ? S3LogFileSource.DEFAULT_MAX_OBJECT_BYTES : cap);
  }

  /** A positive whole number (a plain count or bytes, KiB/MiB/GiB allowed), or -1 when unset. */
  static long positive(String value, String what) {
    if (value == null) {
      return -1;
    }
    String v = value.trim();
    long unit = 1;
    for (String[] u : new String[][] {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}}) {
      if (v.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        v = v.substring(0, v.length() - u[0].length()).trim();
      }
    }
    try {
      long n = Math.multiplyExact(Long.parseLong(v), unit);
      if (n > 0) {
        return n;
      }
    } catch (ArithmeticException | NumberFormatException e) {
      // reported below
    }
    throw new UsageException(what + ": '" + value + "' is not a positive number (e.g. 256MiB)");
  }

  static IamClient iam(String endpoint, boolean allowInsecure) {
    var b = IamClient.builder().region(Region.AWS_GLOBAL);
    if (endpoint != null) {
      b.endpointOverride(URI.create(secureUrl(endpoint, "--endpoint", allowInsecure)));
    }
    return b.build();
  }
}
