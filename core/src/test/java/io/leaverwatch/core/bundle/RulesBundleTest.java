package io.leaverwatch.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.core.rules.RuleSet;
import io.leaverwatch.core.rules.RuleSetLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesBundleTest {
  static Path rules() {
    String p = System.getProperty("leaverwatch.rules");
    return p != null && Files.isDirectory(Path.of(p)) ? Path.of(p) : Path.of("..", "rules");
  }

  @Test
  void theProjectsRulesParseFromTheBundleAsFromTheFolder() {
    RulesBundle b = RulesBundle.read(rules());

    assertThat(b.files()).containsKeys("roles/default.yaml", "automation.yaml");
    RuleSet fromBundle = b.load(RuleSetLoader::load);
    RuleSet fromFolder = RuleSetLoader.load(rules());
    assertThat(fromBundle.baselineFor("default").gracePeriod())
        .isEqualTo(fromFolder.baselineFor("default").gracePeriod());
    assertThat(RulesBundle.fromWire(b.toWire())).isEqualTo(b);
  }

  @Test
  void theHashFollowsTheContentOnly(@TempDir Path tmp) throws Exception {
    RulesBundle b = RulesBundle.read(rules());
    Map<String, String> files = new TreeMap<>(b.files());
    assertThat(RulesBundle.of("elsewhere", files).hash()).isEqualTo(b.hash());
    files.put("roles/default.yaml", files.get("roles/default.yaml") + "\n# a comment\n");
    assertThat(RulesBundle.of(b.origin(), files).hash()).isNotEqualTo(b.hash());
  }

  @Test
  void anInvalidFileIsNamedAsTheFolderNamesItWithItsLineAndField() {
    RulesBundle b = RulesBundle.read(rules());
    Map<String, String> files = new TreeMap<>(b.files());
    files.put(
        "roles/default.yaml",
        files.get("roles/default.yaml").replaceAll("(?m)^grace_period:.*$", "grace_period: soon"));
    RulesBundle bad = RulesBundle.of("rules", files);

    assertThatThrownBy(() -> bad.load(RuleSetLoader::load))
        .isInstanceOf(InvalidRulesException.class)
        .hasMessageStartingWith("rules/roles/default.yaml:")
        .hasMessageContaining("grace_period")
        .hasMessageNotContaining("leaverwatch-rules-");
  }
}
