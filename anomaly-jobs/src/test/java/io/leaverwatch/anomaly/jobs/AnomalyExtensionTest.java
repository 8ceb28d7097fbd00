package io.leaverwatch.anomaly.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.anomaly.ModelDirectory;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.StreamingDetectorExtension;
import io.leaverwatch.jobs.pipeline.StreamingPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How `run` builds the streaming job with this jar on the classpath. */
class AnomalyExtensionTest {
  @TempDir Path tmp;

  private static List<String> operators(Map<String, String> env) {
    StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
    StreamingPipeline.build(flink, PipelineConfig.load(null, env), Org.RULES_DIR.toString(), env);
    return flink.getStreamGraph().getStreamNodes().stream()
        .map(StreamNode::getOperatorName)
        .toList();
  }

  private static Map<String, String> env(Path modelDir) {
    Map<String, String> env = new HashMap<>();
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
    if (modelDir != null) {
      env.put(PipelineConfig.envName("anomaly.model_dir"), modelDir.toString());
    }
    return env;
  }

  @Test
  void theDetectorJoinsTheJobOnlyWhenAModelIsConfigured() throws Exception {
    Path model = tmp.resolve("model");
    Org.save(Org.train(3), model);

    assertThat(StreamingDetectorExtension.discover())
        .extracting(StreamingDetectorExtension::name)
        .containsExactly("anomaly");
    assertThat(operators(env(null))).noneMatch(n -> n.contains("ANOMALOUS_ACTIVITY"));
    assertThat(operators(env(model))).anyMatch(n -> n.contains("ANOMALOUS_ACTIVITY"));
  }

  @Test
  void aBadModelFailsTheBuildWithItsReason() throws Exception {
    Path model = tmp.resolve("model");
    Org.save(Org.train(3), model);
    Files.writeString(model.resolve(ModelDirectory.MODEL), "not a model");

    assertThatThrownBy(() -> operators(env(model)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("anomaly.model_dir")
        .hasMessageContaining("refused")
        .hasMessageContaining(ModelDirectory.MODEL);
    assertThatThrownBy(() -> operators(env(tmp.resolve("missing"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
  }
}
