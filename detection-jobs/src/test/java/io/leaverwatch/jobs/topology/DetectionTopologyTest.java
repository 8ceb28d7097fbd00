package io.leaverwatch.jobs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.RawAuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.junit.jupiter.api.Test;

class DetectionTopologyTest {

  private static StreamExecutionEnvironment withTopology() {
    return withTopology(false);
  }

  private static StreamExecutionEnvironment withTopology(boolean streaming) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
    DataStream<RawAuditRecord> raw =
        env.fromSequence(0, 0)
            .map(i -> (RawAuditRecord) null)
            .returns(new AvroTypeInfo<>(RawAuditRecord.class));
    String rules = TestSignals.rulesDir().toString();
    DetectionTopology.buildTopology(
        env,
        streaming
            ? DetectionSources.streaming(raw, null, null, null)
            : DetectionSources.bounded(raw, List.of(), List.of(), List.of()),
        streaming ? DetectionConfig.streaming(rules) : DetectionConfig.bounded(rules, null));
    return env;
  }

  /** The names of the job's tasks: the operators chained into each, joined by " -> ". */
  private static List<String> tasks(StreamExecutionEnvironment env) {
    List<String> names = new ArrayList<>();
    for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) {
      names.add(v.getName());
    }
    return names;
  }

  @Test
  void buildingTheTopologyLeavesTheEnvironmentsSettingsToItsCaller() {
    StreamExecutionEnvironment env = withTopology();

    assertThat(env.getConfig().isObjectReuseEnabled()).isFalse();
  }

  @Test
  void signalsAreRoutedBySideOutputsOfOneRouterNotByFilters() {
    Set<StreamNode> nodes = Set.copyOf(withTopology().getStreamGraph().getStreamNodes());

    assertThat(
            nodes.stream()
                .filter(
                    n ->
                        n.getOperatorFactory() instanceof SimpleOperatorFactory<?> f
                            && f.getOperator() instanceof StreamFilter)
                .map(StreamNode::getOperatorName)
                .collect(Collectors.toList()))
        .isEmpty();
    assertThat(nodes.stream().map(StreamNode::getOperatorName))
        .contains("route signals", "departure join + person detectors", "known-IP detector");
  }

  @Test
  void aBoundedRunsPersonDetectorsShareTheResolversTaskAndTakeNoRulesStream() {
    List<String> tasks = tasks(withTopology(false));

    assertThat(tasks)
        .as("job tasks")
        .anySatisfy(
            t ->
                assertThat(t)
                    .contains(
                        "resolve identities -> route signals", "departure join + person detectors"))
        .noneSatisfy(t -> assertThat(t).contains("rules"));
  }

  @Test
  void aStreamingJobsPersonDetectorsTakeTheRulesOverABroadcastInput() {
    List<JobVertex> vertices = new ArrayList<>();
    withTopology(true).getStreamGraph().getJobGraph().getVertices().forEach(vertices::add);

    assertThat(vertices)
        .filteredOn(v -> v.getName().equals("departure join + person detectors"))
        .singleElement()
        .satisfies(v -> assertThat(v.getInputs()).as("signals and rules").hasSize(2));
  }
}
