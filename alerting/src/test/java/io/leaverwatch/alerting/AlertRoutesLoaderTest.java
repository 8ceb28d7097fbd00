package io.leaverwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.alerting.routes.AlertRoutes;
import io.leaverwatch.alerting.routes.AlertRoutesLoader;
import io.leaverwatch.alerting.routes.RouteMatcher;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRoutesLoaderTest {
  @TempDir Path tmp;

  static Path shipped() {
    return Path.of(System.getProperty("leaverwatch.rules", "../rules")).resolve("alerting.yaml");
  }

  @Test
  void theShippedRoutesFileLoadsAsTheIssueWritesIt() {
    AlertRoutes r = AlertRoutesLoader.load(shipped());
    assertThat(r.receivers()).containsOnlyKeys("security-oncall", "leavers-channel");
    assertThat(r.receivers().get("security-oncall").secretEnv())
        .isEqualTo("LEAVERWATCH_PD_SECURITY");
    assertThat(r.receivers().get("leavers-channel").channel()).isEqualTo("#sec-leavers");
    assertThat(r.digest()).isEqualTo(new AlertRoutes.Digest(Duration.ofMinutes(5), 20));
    assertThat(r.routes()).hasSize(2);
  }

  @Test
  void everyMatchingRouteAppliesAndAReceiverIsNamedOnce() {
    RouteMatcher m = new RouteMatcher(AlertRoutesLoader.load(shipped()));
    // HIGH retained access: both routes match; the channel is in both, it gets it once
    assertThat(m.receiversFor(Findings.retained("f1", Severity.HIGH, 1, FindingStatus.OPEN)))
        .containsExactly("security-oncall", "leavers-channel");
    assertThat(m.receiversFor(Findings.retained("f2", Severity.MEDIUM, 1, FindingStatus.OPEN)))
        .containsExactly("leavers-channel");
    assertThat(
            m.receiversFor(
                Findings.base("f3", FindingType.POST_DEPARTURE_ACTIVITY, Severity.MEDIUM).build()))
        .isEmpty();
    assertThat(
            m.receiversFor(
                Findings.base("f4", FindingType.ANOMALOUS_ACTIVITY, Severity.CRITICAL).build()))
        .containsExactly("security-oncall", "leavers-channel");
  }

  @Test
  void rolesSourcesAndStatusesNarrowARoute() throws IOException {
    Path f =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"#x\", token_env: T}\n"
                + "routes:\n"
                + "  - match: {roles: [sre], sources: [CLOUDTRAIL], statuses: [RESOLVED]}\n"
                + "    receivers: [ch]\n");
    RouteMatcher m = new RouteMatcher(AlertRoutesLoader.load(f));
    var open = Findings.retained("a", Severity.LOW, 1, FindingStatus.OPEN);
    assertThat(m.receiversFor(open)).isEmpty();
    var hit =
        io.leaverwatch.schema.Finding.newBuilder(
                Findings.retained("b", Severity.LOW, 1, FindingStatus.RESOLVED))
            .setRole("sre")
            .setSource(io.leaverwatch.schema.Source.CLOUDTRAIL)
            .build();
    assertThat(m.receiversFor(hit)).containsExactly("ch");
  }

  @Test
  void anUnknownSeverityNamesFileLineAndField() throws IOException {
    Path f =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"#x\", token_env: T}\n"
                + "routes:\n"
                + "  - match: {min_severity: HGIH}\n"
                + "    receivers: [ch]\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(f))
        .isInstanceOf(RuleFileException.class)
        .hasMessageStartingWith(f + ":5: routes[0].match.min_severity: 'HGIH' is not one of");
  }

  @Test
  void aRouteToAnUndefinedReceiverNamesItsLine() throws IOException {
    Path f =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"#x\", token_env: T}\n"
                + "routes:\n"
                + "  - match: {min_severity: HIGH}\n"
                + "    receivers: [ch]\n"
                + "  - match: {types: [RETAINED_ACCESS]}\n"
                + "    receivers:\n"
                + "      - ch\n"
                + "      - security-oncal\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(f))
        .hasMessage(
            f + ":10: routes[1].receivers[1]: unknown receiver 'security-oncal' (defined: [ch])");
  }

  @Test
  void aTypoInAFieldNameAndAnUnknownTypeAreCaught() throws IOException {
    Path typo =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"#x\", token_env: T}\n"
                + "routes:\n"
                + "  - match: {min_severty: HIGH}\n"
                + "    receivers: [ch]\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(typo))
        .hasMessageStartingWith(typo + ":5: routes[0].match.min_severty: unknown field");
    Path type =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"#x\", token_env: T}\n"
                + "routes:\n"
                + "  - match:\n"
                + "      types: [RETAINED_ACCESS, RETAINED_ACESS]\n"
                + "    receivers: [ch]\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(type))
        .hasMessageStartingWith(type + ":6: routes[0].match.types[1]: 'RETAINED_ACESS'");
  }

  @Test
  void aSecretWrittenIntoTheFileIsRefusedWithoutEchoingIt() throws IOException {
    Path f =
        write(
            "receivers:\n"
                + "  - name: oncall\n"
                + "    pagerduty: {routing_key: abcdef0123456789abcdef0123456789}\n"
                + "routes:\n"
                + "  - receivers: [oncall]\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(f))
        .hasMessageStartingWith(
            f + ":3: receivers[0].pagerduty.routing_key: secrets are not read from this file")
        .hasMessageNotContaining("abcdef0123456789");
  }

  @Test
  void digestAndReceiverShapesAreChecked() throws IOException {
    Path f =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"#x\", token_env: T}\n"
                + "routes:\n"
                + "  - receivers: [ch]\n"
                + "digest: {window: 5 minutes, max_per_receiver: 20}\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(f))
        .hasMessageStartingWith(f + ":6: digest.window: '5 minutes' is not a duration");
    Path both =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"sec-leavers\", token_env: T}\n"
                + "routes:\n"
                + "  - receivers: [ch]\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(both))
        .hasMessageStartingWith(both + ":3: receivers[0].slack.channel: must be a channel name");
    Path dup =
        write(
            "receivers:\n"
                + "  - name: ch\n"
                + "    slack: {channel: \"#a\", token_env: T}\n"
                + "  - name: ch\n"
                + "    pagerduty: {routing_key_env: K}\n"
                + "routes:\n"
                + "  - receivers: [ch]\n");
    assertThatThrownBy(() -> AlertRoutesLoader.load(dup))
        .hasMessage(dup + ":4: receivers[1].name: 'ch' is defined twice");
  }

  private Path write(String yaml) throws IOException {
    Path f = Files.createTempFile(tmp, "alerting", ".yaml");
    Files.writeString(f, yaml);
    return f;
  }
}
