package io.leaverwatch.core.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.detect.Rules;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RejectedRecordsTest {
  @Test
  void aRecordRefusedBeforeNormalisationBecomesARejectionWithItsReasonAndBytes() {
    byte[] original = "{\"eventName\":\"ConsoleLogin\"".getBytes(StandardCharsets.UTF_8);
    var refused =
        RejectedRecords.of(
            "record of 20000000 bytes is larger than the limit",
            "audit.raw",
            "1@42",
            original,
            Instant.EPOCH);

    List<Normalization> out =
        new EventNormalizer(ActionClassifier.load(Rules.dir())).normalize(refused);

    assertThat(out).hasSize(1);
    Normalization.Rejection r = (Normalization.Rejection) out.get(0);
    assertThat(r.reason()).isEqualTo("record of 20000000 bytes is larger than the limit");
    assertThat(r.original()).isEqualTo(original);
    assertThat(r.origin()).isEqualTo("audit.raw");
    assertThat(r.cursor()).isEqualTo("1@42");
  }

  @Test
  void anOrdinaryRecordHasNoRefusalReason() {
    var ok =
        io.leaverwatch.schema.RawAuditRecord.newBuilder()
            .setSource("okta")
            .setReceivedAt(Instant.EPOCH)
            .setOrigin("x")
            .setPayload(java.nio.ByteBuffer.wrap(new byte[0]))
            .build();
    assertThat(RejectedRecords.reasonOf(ok)).isNull();
  }
}
