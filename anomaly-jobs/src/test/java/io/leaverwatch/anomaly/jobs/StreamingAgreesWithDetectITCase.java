package io.leaverwatch.anomaly.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.anomaly.AnomalyDetection;
import io.leaverwatch.anomaly.AnomalyModel;
import io.leaverwatch.anomaly.AnomalyRules;
import io.leaverwatch.anomaly.ModelDirectory;
import io.leaverwatch.anomaly.PersonDays;
import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.core.json.AuditEventJson;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.Connectors;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.jobs.topology.DetectionConfig;
import io.leaverwatch.jobs.topology.DetectionOutputs;
import io.leaverwatch.jobs.topology.DetectionSources;
import io.leaverwatch.jobs.topology.DetectionTopology;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.RawAuditRecord;
import io.leaverwatch.testkit.generate.AnomalyScenario;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One organisation with injected pre-departure patterns, scored by {@code detect --model}'s code
 * and by the streaming job (the whole topology, identity resolution included, with the anomaly
 * detector attached as {@code run} attaches it): the same ANOMALOUS_ACTIVITY findings, field for
 * field.
 */
class StreamingAgreesWithDetectITCase {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(1)
              .build());

  @TempDir Path tmp;

  @Test
  void theStreamingJobRaisesTheSameAnomalousActivityAsDetect() throws Exception {
    Path orgDir = tmp.resolve("org");
    AnomalyScenario.Result org = AnomalyScenario.generate(40, 45, 5, orgDir);
    AnomalyRules rules = Org.RULES;
    ActionClassifier classifier = ActionClassifier.load(Org.RULES_DIR);
    List<Departure> deps = PeopleFiles.readDepartures(orgDir.resolve("departures.csv"));
    List<IdentityLink> ids = PeopleFiles.readIdentities(orgDir.resolve("identities.csv"));
    List<Path> inputs =
        List.of(orgDir.resolve("okta"), orgDir.resolve("github"), orgDir.resolve("cloudtrail"));

    PersonDays.Extraction x = PersonDays.read(rules, classifier, inputs, deps, ids);
    AnomalyModel trained = AnomalyDetection.train(rules, x, deps, org.roles());
    Path modelDir = tmp.resolve("model");
    Org.save(trained, modelDir);
    ModelDirectory.Loaded loaded = ModelDirectory.load(modelDir);
    List<Finding> bounded =
        AnomalyDetection.findings(
            loaded.model(),
            AnomalyDetection.scoreWindows(loaded.model(), x, deps),
            deps,
            loaded.version());

    List<Finding> streaming =
        stream(normalisedInTimeOrder(inputs, classifier), deps, ids, modelDir);

    assertThat(bounded).hasSizeGreaterThanOrEqualTo(3);
    assertThat(json(streaming)).isEqualTo(json(bounded));
  }

  private static List<Finding> stream(
      List<RawAuditRecord> raws, List<Departure> deps, List<IdentityLink> ids, Path modelDir)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    DataStream<RawAuditRecord> raw =
        env.fromData(raws, new AvroTypeInfo<>(RawAuditRecord.class)).name("records");
    DetectionOutputs out =
        DetectionTopology.buildTopology(
            env,
            new DetectionSources(raw, null, null, null, deps, ids, List.of()),
            DetectionConfig.streaming(Org.RULES_DIR.toString()));
    DataStream<Finding> findings =
        AnomalyExtension.attach(out.resolvedSignals(), modelDir.toString(), Duration.ofHours(1));
    List<Finding> all = new ArrayList<>();
    try (var it = findings.executeAndCollect("anomaly agreement")) {
      it.forEachRemaining(all::add);
    }
    assertThat(all).allMatch(f -> f.getType() == FindingType.ANOMALOUS_ACTIVITY);
    return all;
  }

  /** The organisation's events as the job receives them: normalised, in event-time order. */
  private static List<RawAuditRecord> normalisedInTimeOrder(
      List<Path> inputs, ActionClassifier classifier) {
    EventNormalizer normalizer = new EventNormalizer(classifier);
    List<AuditEvent> events = new ArrayList<>();
    try (RecordReader reader = RecordReader.open(inputs, Clock.systemUTC())) {
      while (reader.hasNext()) {
        if (reader.next() instanceof ReadItem.Record r) {
          for (Normalization n : normalizer.normalize(r.record())) {
            if (n instanceof Normalization.Normalized ok) {
              events.add(ok.event());
            }
          }
        }
      }
    }
    events.sort(
        Comparator.comparing(AuditEvent::getEventTime).thenComparing(AuditEvent::getEventId));
    List<RawAuditRecord> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      out.add(
          RawAuditRecord.newBuilder()
              .setReceivedAt(e.getEventTime())
              .setOrigin("agreement")
              .setCursor(Integer.toString(i))
              .setPayload(ByteBuffer.wrap(AuditEventJson.write(e).getBytes(StandardCharsets.UTF_8)))
              .setConnector(Connectors.NORMALISED)
              .build());
    }
    return out;
  }

  private static List<String> json(List<Finding> findings) {
    TreeMap<String, String> byId = new TreeMap<>();
    for (Finding f : findings) {
      byId.put(f.getFindingId(), RecordJson.toJson(f));
    }
    return new ArrayList<>(byId.values());
  }
}
