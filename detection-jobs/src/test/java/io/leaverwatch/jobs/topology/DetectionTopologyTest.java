package io.leaverwatch.jobs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.RawAuditRecord;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamFilter;
import org.junit.jupiter.api.Test;

class DetectionTopologyTest {

  private static StreamExecutionEnvironment withTopology() {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
    DataStream<RawAuditRecord> raw =
        env.fromSequence(0, 0)
            .map(i -> (RawAuditRecord) null)
            .returns(new AvroTypeInfo<>(RawAuditRecord.class));
    DetectionTopology.buildTopology(
        env,
        DetectionSources.bounded(raw, List.of(), List.of(), List.of()),
        DetectionConfig.bounded(TestSignals.rulesDir().toString(), null));
    return env;
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
}
