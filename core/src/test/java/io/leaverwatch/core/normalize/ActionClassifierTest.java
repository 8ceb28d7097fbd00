package io.leaverwatch.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActionClassifierTest {

  @Test
  void everyInlineExampleOfEveryRuleFileHolds() {
    ActionClassifier c = TestInputs.classifier();
    assertThat(c.examples()).hasSizeGreaterThan(40);
    assertThat(c.failingExamples()).isEmpty();
  }

  @Test
  void exactNamesBeatPatternsAndUnknownActionsGetTheDefault() {
    ActionClassifier c = TestInputs.classifier();
    assertThat(c.classify(Source.GITHUB, "secret_scanning_alert.create", null))
        .isEqualTo(ActionClass.OTHER);
    assertThat(c.classify(Source.GITHUB, "secret_scanning.enable", null))
        .isEqualTo(ActionClass.SENSITIVE_CHANGE);
    assertThat(c.classify(Source.CLOUDTRAIL, "SomethingNew", null)).isEqualTo(ActionClass.ACTIVITY);
    assertThat(c.classify(Source.UNKNOWN, "x", null)).isEqualTo(ActionClass.OTHER);
  }

  private static Path write(Path dir, String name, String yaml) throws Exception {
    Path d = dir.resolve("action-classes");
    Files.createDirectories(d);
    Files.writeString(d.resolve(name), yaml);
    return d.resolve(name);
  }

  @Test
  void anInvalidClassNamesFileLineAndField(@TempDir Path dir) throws Exception {
    Path f =
        write(
            dir,
            "okta.yaml",
            String.join(
                "\n",
                "schema_version: 1",
                "source: OKTA",
                "default: ACTIVITY",
                "rules:",
                "  - class: AUTHENTICATION",
                "    actions: [user.session.start]",
                "  - class: REVOKE",
                "    actions: [user.lifecycle.deactivate]",
                ""));
    assertThatThrownBy(() -> ActionClassifier.load(dir))
        .isInstanceOf(RuleFileException.class)
        .hasMessageStartingWith(f + ":7")
        .hasMessageContaining("field 'rules[1].class'")
        .hasMessageContaining("REVOKE")
        .hasMessageContaining("REVOCATION");
  }

  @Test
  void anUnknownFieldNamesFileLineAndField(@TempDir Path dir) throws Exception {
    Path f =
        write(
            dir,
            "github.yaml",
            "schema_version: 1\nsource: GITHUB\ndefault: ACTIVITY\nrules:\n"
                + "  - class: OTHER\n    actions: [x]\n    colour: red\n");
    assertThatThrownBy(() -> ActionClassifier.load(dir))
        .isInstanceOf(RuleFileException.class)
        // Jackson's YAML parser reports where it stood: the bad field's line or the one after it
        .hasMessageMatching(java.util.regex.Pattern.quote(f.toString()) + ":[78]: .*")
        .hasMessageContaining("field 'rules[0].colour'")
        .hasMessageContaining("unknown field");
  }

  @Test
  void aRuleWithoutActionsOrPatternsIsRejected(@TempDir Path dir) throws Exception {
    Path f =
        write(
            dir,
            "github.yaml",
            "schema_version: 1\nsource: GITHUB\ndefault: ACTIVITY\nrules:\n"
                + "  - class: OTHER\n    note: nothing\n");
    assertThatThrownBy(() -> ActionClassifier.load(dir))
        .isInstanceOf(RuleFileException.class)
        .hasMessageStartingWith(f.toString())
        .hasMessageContaining("a rule needs 'actions' or 'patterns'");
  }

  @Test
  void aWrongSchemaVersionAndADuplicateSourceAreRejected(@TempDir Path dir) throws Exception {
    write(dir, "a.yaml", "schema_version: 2\nsource: GITHUB\ndefault: ACTIVITY\nrules: []\n");
    assertThatThrownBy(() -> ActionClassifier.load(dir))
        .hasMessageContaining("schema_version must be 1");
    write(dir, "a.yaml", "schema_version: 1\nsource: GITHUB\ndefault: ACTIVITY\nrules: []\n");
    write(dir, "b.yaml", "schema_version: 1\nsource: GITHUB\ndefault: OTHER\nrules: []\n");
    assertThatThrownBy(() -> ActionClassifier.load(dir))
        .hasMessageContaining("b.yaml")
        .hasMessageContaining("field 'source'");
  }

  @Test
  void globs() {
    assertThat(
            ActionClassifier.glob(
                "UpdateFunctionConfiguration*", "UpdateFunctionConfiguration20150331v2"))
        .isTrue();
    assertThat(ActionClassifier.glob("hook.*", "hook.create")).isTrue();
    assertThat(ActionClassifier.glob("a?c", "abc")).isTrue();
    assertThat(ActionClassifier.glob("hook.*", "webhook.create")).isFalse();
  }
}
