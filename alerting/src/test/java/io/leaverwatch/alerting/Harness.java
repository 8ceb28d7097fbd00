package io.leaverwatch.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.alerting.ledger.Ledger;
import io.leaverwatch.alerting.render.FindingLinks;
import io.leaverwatch.alerting.routes.AlertRoutes;
import io.leaverwatch.alerting.routes.AlertRoutesLoader;
import io.leaverwatch.alerting.standin.FakePagerDuty;
import io.leaverwatch.alerting.standin.FakeSlack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Both stand-ins, a routes file, a state folder and a fake clock, for dispatcher tests. */
final class Harness implements AutoCloseable {
  static final String PD_KEY = "0123456789abcdef0123456789abcdef";
  static final String SLACK_TOKEN = "xoxb-1111-2222-testtokenvalue";

  final FakeTime time = new FakeTime(Findings.T0_PLUS_3H);
  final FakePagerDuty pd;
  final FakeSlack slack;
  final Path state;
  final Path routesFile;
  final AlertRoutes routes;
  final List<ObjectNode> dlq = new ArrayList<>();
  Ledger ledger;
  AlertStats stats = new AlertStats();

  Harness(Path tmp, int maxPerReceiver) throws IOException {
    pd = new FakePagerDuty(time);
    slack = new FakeSlack(SLACK_TOKEN, time);
    Files.createDirectories(tmp);
    state = tmp.resolve("state");
    routesFile = tmp.resolve("alerting.yaml");
    Files.writeString(
        routesFile,
        "receivers:\n"
            + "  - name: security-oncall\n"
            + "    pagerduty: {routing_key_env: LW_TEST_PD}\n"
            + "  - name: leavers-channel\n"
            + "    slack: {channel: \"#sec-leavers\", token_env: LW_TEST_SLACK}\n"
            + "routes:\n"
            + "  - match: {min_severity: HIGH}\n"
            + "    receivers: [security-oncall, leavers-channel]\n"
            + "  - match: {types: [OFFBOARDING_INCOMPLETE, RETAINED_ACCESS], min_severity: MEDIUM}\n"
            + "    receivers: [leavers-channel]\n"
            + "digest: {window: 5m, max_per_receiver: "
            + maxPerReceiver
            + "}\n");
    routes = AlertRoutesLoader.load(routesFile);
  }

  Map<String, String> env() {
    return Map.of("LW_TEST_PD", PD_KEY, "LW_TEST_SLACK", SLACK_TOKEN);
  }

  Dispatcher dispatcher(DeliveryHooks hooks, Dispatcher.Settings settings) {
    return dispatcher(hooks, settings, env());
  }

  Dispatcher dispatcher(
      DeliveryHooks hooks, Dispatcher.Settings settings, Map<String, String> env) {
    if (ledger != null) {
      ledger.close();
    }
    ledger = Ledger.open(state);
    return new Dispatcher(
        routes,
        Secrets.senders(routes, env, pd.baseUrl(), slack.baseUrl()),
        ledger,
        dlq::add,
        FindingLinks.NONE,
        time,
        time,
        hooks,
        settings,
        stats,
        null);
  }

  /** A restart: the ledger is read back from disk, a new dispatcher starts with nothing queued. */
  Dispatcher restart(Dispatcher.Settings settings) {
    stats = new AlertStats();
    return dispatcher(DeliveryHooks.NONE, settings);
  }

  @Override
  public void close() {
    if (ledger != null) {
      ledger.close();
    }
    pd.close();
    slack.close();
  }
}
