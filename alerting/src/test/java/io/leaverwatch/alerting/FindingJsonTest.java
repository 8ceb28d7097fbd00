package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FindingJsonTest {
  @TempDir Path tmp;

  @Test
  void readsWhatDetectWritesAndKeepsTheNewestRevisionOfEachFinding() throws Exception {
    Finding a1 = Findings.retained("a", Severity.HIGH, 1, FindingStatus.OPEN);
    Finding a2 = Findings.retained("a", Severity.HIGH, 2, FindingStatus.RESOLVED);
    Finding b = Findings.high("b");
    Path f = tmp.resolve("findings.ndjson");
    Files.write(f, List.of(RecordJson.toJson(a2), RecordJson.toJson(b), RecordJson.toJson(a1)));
    List<ObjectNode> dlq = new ArrayList<>();
    List<Finding> read =
        FindingFiles.read(List.of(f), dlq::add, new AlertStats(), Clock.systemUTC());
    assertThat(read).containsExactly(a2, b);
    assertThat(dlq).isEmpty();
  }

  @Test
  void findingsWrittenBeforeTheLifecycleFieldsReadAsOpenRevisionZero() throws Exception {
    String old =
        RecordJson.toJson(Findings.high("c"))
            .replaceAll(
                ",\"revision\":\\d+,\"status\":\"OPEN\",\"resolved_at\":null,\"resolution\":null",
                "");
    assertThat(old).doesNotContain("revision");
    Finding f = FindingJson.parse(io.leaverwatch.core.json.Json.treeReader().readTree(old));
    assertThat(f.getRevision()).isZero();
    assertThat(f.getStatus()).isEqualTo(FindingStatus.OPEN);
  }

  @Test
  void aBadLineIsDeadLetteredWithFileLineAndFieldAndTheRestStillRead() throws Exception {
    Path f = tmp.resolve("findings.ndjson");
    Files.write(
        f,
        List.of(
            RecordJson.toJson(Findings.high("d")),
            "{\"finding_id\":\"e\",\"type\":\"RETAINED_ACCESS\"}",
            "not json"));
    List<ObjectNode> dlq = new ArrayList<>();
    AlertStats stats = new AlertStats();
    List<Finding> read = FindingFiles.read(List.of(f), dlq::add, stats, Clock.systemUTC());
    assertThat(read).hasSize(1);
    assertThat(dlq).hasSize(2);
    assertThat(dlq.get(0).path("reason").asText()).isEqualTo(f + ":2: severity: is required");
    assertThat(dlq.get(1).path("reason").asText()).startsWith(f + ":3: not valid JSON");
    assertThat(stats.badInput.get()).isEqualTo(2);
  }
}
