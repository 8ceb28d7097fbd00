package io.leaverwatch.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.Source;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditEventJsonTest {
  static AuditEvent event() {
    Principal actor =
        new Principal(
            "aws",
            "iam_user",
            "AIDA1",
            "alice",
            null,
            "arn:aws:iam::1:user/alice",
            "AKIA1",
            PrincipalType.HUMAN,
            null);
    Principal target =
        new Principal("aws", "iam_user", null, "bob", null, null, null, PrincipalType.HUMAN, null);
    return new AuditEvent(
        "ev-1",
        Source.CLOUDTRAIL,
        Instant.parse("2024-01-02T03:04:05.123Z"),
        "CreateAccessKey",
        ActionClass.CREDENTIAL_CHANGE,
        actor,
        List.of(target),
        new Outcome(OutcomeResult.SUCCESS, null),
        "198.51.100.1",
        "aws-cli",
        null,
        "111122223333",
        "us-east-1",
        "{\"eventName\":\"CreateAccessKey\"}");
  }

  @Test
  void oneLineWithSnakeCaseNamesIsoTimeAndRawEmbedded() {
    String line = AuditEventJson.write(event());
    assertThat(line)
        .doesNotContain("\n")
        .startsWith(
            "{\"event_id\":\"ev-1\",\"source\":\"CLOUDTRAIL\",\"event_time\":\"2024-01-02T03:04:05.123Z\"")
        .contains("\"action_class\":\"CREDENTIAL_CHANGE\"")
        .contains("\"access_key_id\":\"AKIA1\"")
        .endsWith("\"raw\":{\"eventName\":\"CreateAccessKey\"}}");
    assertThat(AuditEventJson.formatTime(Instant.parse("2024-01-02T03:04:05Z")))
        .isEqualTo("2024-01-02T03:04:05.000Z");
  }

  @Test
  void roundTripAndDeterminism() {
    String line = AuditEventJson.write(event());
    assertThat(AuditEventJson.read(line)).isEqualTo(event());
    assertThat(AuditEventJson.write(AuditEventJson.read(line))).isEqualTo(line);
  }

  @Test
  void badLinesNameTheField() {
    assertThatThrownBy(() -> AuditEventJson.read("{\"event_id\":\"x\",\"source\":\"NOPE\"}"))
        .hasMessage("field 'source': unknown value 'NOPE'");
    assertThatThrownBy(() -> AuditEventJson.read("{\"source\":\"OKTA\"}"))
        .hasMessage("field 'event_id': missing");
  }
}
