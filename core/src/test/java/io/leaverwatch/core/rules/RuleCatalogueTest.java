package io.leaverwatch.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.leaverwatch.core.detect.Rules;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test that enforces the whole rules catalogue, and the errors a broken rule file gives. */
class RuleCatalogueTest {
  @TempDir Path tmp;

  @Test
  void everyShippedRoleLoadsWithUniqueStepsAndSaneSlas() {
    RuleSet rules = Rules.load();
    assertThat(rules.baselines().keySet())
        .contains("default", "software-engineer", "sre", "data-engineer", "contractor");
    for (RoleBaseline b : rules.baselines().values()) {
      Set<String> ids = new HashSet<>();
      for (RevocationStep s : b.steps()) {
        assertThat(ids.add(s.id())).as("%s step ids unique", b.role()).isTrue();
        assertThat(s.sla().toMinutes())
            .as("%s/%s sla", b.role(), s.id())
            .isBetween(1L, 7 * 24 * 60L);
        assertThat(s.anyOf()).isNotEmpty();
      }
      assertThat(b.gracePeriod().toHours()).as("%s grace", b.role()).isLessThan(24);
    }
  }

  @Test
  void theDefaultBaselineRequiresExactlyTheThreeIssueSteps() {
    RoleBaseline d = Rules.load().baselineFor("a-role-without-a-file");
    assertThat(d.role()).isEqualTo("default");
    assertThat(d.stepFor("okta").orElseThrow().anyOf())
        .containsExactly(
            java.util.List.of("user.lifecycle.deactivate"),
            java.util.List.of("user.lifecycle.suspend"));
    assertThat(d.stepFor("github").orElseThrow().anyOf())
        .containsExactly(
            java.util.List.of("org.remove_member"),
            java.util.List.of("org.remove_outside_collaborator"));
    assertThat(d.stepFor("aws").orElseThrow().anyOf())
        .containsExactly(
            java.util.List.of("DeleteUser"),
            java.util.List.of("DeleteLoginProfile", RevocationStep.ALL_ACCESS_KEYS_REVOKED));
  }

  @Test
  void everyRoleFileCarriesExamples() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (Stream<Path> files = Files.list(Rules.dir().resolve("roles"))) {
      for (Path f : files.toList()) {
        JsonNode n = yaml.readTree(f.toFile());
        assertThat(n.path("examples").size()).as("%s has examples", f).isGreaterThan(0);
      }
    }
  }

  @Test
  void automationMatchesAssumedRoleSessionsOfItsRole() {
    ApprovedAutomation a = Rules.load().automation();
    assertThat(
            a.approves(aws("arn:aws:sts::123456789012:assumed-role/offboarding-automation/run-7")))
        .isTrue();
    assertThat(
            a.approves(aws("arn:aws:sts::123456789012:assumed-role/admin/offboarding-automation")))
        .isFalse();
    assertThat(a.approves(aws("arn:aws:iam::123456789012:user/alice"))).isFalse();
    assertThat(
            a.approves(
                Principal.newBuilder()
                    .setSystem("github")
                    .setKind("github_user")
                    .setLogin("Offboarding-Bot")
                    .setType(PrincipalType.SERVICE)
                    .build()))
        .isTrue();
  }

  @Test
  void aBadDurationNamesFileLineAndField() throws IOException {
    Path roles = copyRules();
    Path f = roles.resolve("roles/default.yaml");
    Files.writeString(f, Files.readString(f).replaceFirst("sla: 1h", "sla: one hour"));
    assertThatThrownBy(() -> RuleSetLoader.load(roles))
        .isInstanceOf(RuleFileException.class)
        .hasMessageContaining("default.yaml:")
        .hasMessageContaining("steps[0].sla")
        .hasMessageContaining("'one hour' is not a duration");
    String msg = catchMessage(roles);
    int line = Integer.parseInt(msg.replaceAll("^.*default\\.yaml:(\\d+):.*$", "$1").trim());
    assertThat(Files.readAllLines(f).get(line - 1)).contains("okta-deactivate");
  }

  @Test
  void anUnknownFieldIsRejectedWithItsLine() throws IOException {
    Path roles = copyRules();
    Path f = roles.resolve("roles/contractor.yaml");
    Files.writeString(f, Files.readString(f).replaceFirst("description:", "descriptio:"));
    assertThatThrownBy(() -> RuleSetLoader.load(roles))
        .isInstanceOf(RuleFileException.class)
        .hasMessageMatching("(?s).*contractor\\.yaml:6: descriptio: unknown field.*");
  }

  @Test
  void anUnknownSystemAndAMissingDefaultFailFast() throws IOException {
    Path roles = copyRules();
    Path f = roles.resolve("roles/default.yaml");
    Files.writeString(f, Files.readString(f).replaceFirst("system: github", "system: gitlab"));
    assertThatThrownBy(() -> RuleSetLoader.load(roles))
        .hasMessageContaining("steps[1].system")
        .hasMessageContaining("gitlab");
    Files.writeString(f, Files.readString(f).replaceFirst("system: gitlab", "system: github"));
    Files.delete(roles.resolve("roles/default.yaml"));
    assertThatThrownBy(() -> RuleSetLoader.load(roles)).hasMessageContaining("default.yaml");
  }

  @Test
  void invalidYamlIsReportedNotThrownRaw() throws IOException {
    Path roles = copyRules();
    Files.writeString(roles.resolve("roles/sre.yaml"), "role: sre\nsteps: [\n  - {id: x\n");
    assertThatThrownBy(() -> RuleSetLoader.load(roles))
        .isInstanceOf(RuleFileException.class)
        .hasMessageContaining("sre.yaml:");
  }

  private String catchMessage(Path roles) {
    try {
      RuleSetLoader.load(roles);
      return "";
    } catch (RuleFileException e) {
      return e.getMessage();
    }
  }

  private Path copyRules() throws IOException {
    Path dst = tmp.resolve("rules");
    Files.createDirectories(dst.resolve("roles"));
    try (Stream<Path> files = Files.list(Rules.dir().resolve("roles"))) {
      for (Path f : files.toList()) {
        Files.copy(f, dst.resolve("roles").resolve(f.getFileName()));
      }
    }
    Files.copy(Rules.dir().resolve("automation.yaml"), dst.resolve("automation.yaml"));
    Files.createDirectories(dst.resolve("detections"));
    try (Stream<Path> files = Files.list(Rules.dir().resolve("detections"))) {
      for (Path f : files.toList()) {
        Files.copy(f, dst.resolve("detections").resolve(f.getFileName()));
      }
    }
    return dst;
  }

  private static Principal aws(String arn) {
    return Principal.newBuilder()
        .setSystem("aws")
        .setKind("assumed_role")
        .setArn(arn)
        .setType(PrincipalType.ASSUMED_ROLE)
        .build();
  }
}
