package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.core.bundle.RulesBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFolderPollerTest {
  @TempDir Path rules;

  @Test
  void theFolderIsEmittedAtStartThenOnlyWhenItChangesAndAnUnreadableFolderEmitsNothing()
      throws Exception {
    Files.createDirectories(rules.resolve("roles"));
    Files.writeString(rules.resolve("roles/default.yaml"), "role: default\n");
    try (OneInputStreamOperatorTestHarness<Long, Map<String, String>> h =
        ProcessFunctionTestHarnesses.forProcessFunction(new RulesFolderPoller(rules.toString()))) {
      h.processElement(0L, 0);
      h.processElement(1L, 0);
      assertThat(bundles(h)).hasSize(1);
      assertThat(bundles(h).get(0).files()).containsOnlyKeys("roles/default.yaml");

      Files.writeString(rules.resolve("roles/sre.yaml"), "role: sre\n");
      h.processElement(2L, 0);
      assertThat(bundles(h)).hasSize(2);
      assertThat(bundles(h).get(1).files()).containsKeys("roles/sre.yaml");

      Path moved = rules.resolveSibling(rules.getFileName() + "-moved");
      Files.move(rules, moved);
      h.processElement(3L, 0);
      assertThat(bundles(h)).as("nothing while the folder is gone").hasSize(2);
      Files.move(moved, rules);
      h.processElement(4L, 0);
      assertThat(bundles(h)).as("the same folder back: no change").hasSize(2);
    }
  }

  private static List<RulesBundle> bundles(
      OneInputStreamOperatorTestHarness<Long, Map<String, String>> h) {
    return h.extractOutputValues().stream().map(RulesBundle::fromWire).toList();
  }
}
