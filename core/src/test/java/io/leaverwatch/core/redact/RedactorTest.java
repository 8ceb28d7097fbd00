package io.leaverwatch.core.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactorTest {
  static final String PEM_BODY =
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
          + "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu";
  static final String JWT =
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2FhYmMiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz";

  @TempDir Path dir;

  @Test
  void pemBlocksAreRemovedWholeEvenWithEscapedOrMissingEnds() {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + PEM_BODY + "\n-----END PRIVATE KEY-----";
    assertThat(Redactor.redact("key: " + pem + " loaded"))
        .isEqualTo("key: -----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY----- loaded");
    assertThat(Redactor.redact("{\"k\":\"" + pem.replace("\n", "\\n") + "\"}"))
        .doesNotContain("MIIEvQ")
        .contains("-----BEGIN PRIVATE KEY-----[REDACTED]");
    assertThat(Redactor.redact("-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY))
        .doesNotContain("MIIEvQ")
        .doesNotContain("MzEfYyji");
  }

  @Test
  void jwtsSlackAndPagerDutyWebhooksAndRoutingKeys() {
    String line =
        "POST client_assertion="
            + JWT
            + " Authorization: Bearer "
            + JWT
            + " to https://hooks.slack.com/services/T0001/B0002/AbCdEfGhIjKlMnOp"
            + " and https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
            + " body {\"routing_key\":\"R0123456789ABCDEF0123456789ABCDE\",\"event_action\":\"trigger\"}";
    String out = Redactor.redact(line);
    assertThat(out)
        .doesNotContain("eyJzdWIi")
        .doesNotContain("AbCdEfGhIjKlMnOp")
        .doesNotContain("0123456789abcdef0123456789abcdef")
        .doesNotContain("R0123456789ABCDEF")
        .contains("hooks.slack.com/services/[REDACTED]")
        .contains("events.pagerduty.com/integration/[REDACTED]")
        .contains("\"event_action\":\"trigger\"");
  }

  @Test
  void knownShapesStillGoAndOrdinaryWordsStay() {
    assertThat(Redactor.redact("token ghp_abcdefghijklmnopqrstuvwxyz0123456789"))
        .doesNotContain("ghp_abc");
    assertThat(Redactor.redact("x-amz-security-token:FwoGZXIvYXdzEJr")).doesNotContain("FwoG");
    assertThat(Redactor.redact("Authorization: SSWS 00abcDEF1234567890"))
        .isEqualTo("Authorization: [REDACTED]");
    assertThat(Redactor.redact("https://elastic:hunter2@es:9200"))
        .isEqualTo("https://elastic:[REDACTED]@es:9200");
    assertThat(Redactor.redact("Loading delegation token providers; token receivers loaded"))
        .isEqualTo("Loading delegation token providers; token receivers loaded");
    assertThat(Redactor.redact("access key AKIAIOSFODNN7EXAMPLE")).contains("AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void knownValuesAreRemovedWhateverTheirShapeLongestFirst() {
    assertThat(Redactor.redact("p=abc;def and abc;def-2", List.of("abc;def", "abc;def-2")))
        .doesNotContain("abc;def");
  }

  @Test
  void secretEnvironmentVariablesAndTheFilesTheyNameAreKnownValues() throws Exception {
    Path file = dir.resolve("es.key");
    Files.writeString(file, "file-held-api-key-123\n");
    var known =
        KnownSecrets.fromEnvironment(
            Map.of(
                "GITHUB_TOKEN", "gh-value-1234",
                "AWS_SECRET_ACCESS_KEY", "aws-secret-5678",
                "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
                "LEAVERWATCH_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/x/y/z",
                "LEAVERWATCH_ES_API_KEY_FILE", file.toString(),
                "LEAVERWATCH_ES_URLS", "https://es:9200",
                "HOME", "/root"));
    assertThat(known)
        .contains(
            "gh-value-1234",
            "aws-secret-5678",
            "https://hooks.slack.com/services/x/y/z",
            "file-held-api-key-123")
        .doesNotContain("AKIAIOSFODNN7EXAMPLE", "https://es:9200", "/root", file.toString());
  }

  @Test
  void aSecretRefSerialisesItsNameNotItsValue() throws Exception {
    SecretRef ref =
        SecretRef.fromEnvironment(
            Map.of("LEAVERWATCH_ES_API_KEY", "value-never-serialised"),
            "LEAVERWATCH_ES_API_KEY",
            "LEAVERWATCH_ES_API_KEY_FILE");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(ref);
    }
    String serialised = bytes.toString(StandardCharsets.ISO_8859_1);
    assertThat(serialised).contains("LEAVERWATCH_ES_API_KEY").doesNotContain("never-serialised");
    assertThat(ref.resolve(Map.of("LEAVERWATCH_ES_API_KEY", "read-where-used")))
        .isEqualTo("read-where-used");
  }
}
