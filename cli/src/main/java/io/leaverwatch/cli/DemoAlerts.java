package io.leaverwatch.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.leaverwatch.alerting.AlertRun;
import io.leaverwatch.alerting.AlertStats;
import io.leaverwatch.alerting.DeliveryHooks;
import io.leaverwatch.alerting.DeliveryRecords;
import io.leaverwatch.alerting.es.ElasticsearchDeliveries;
import io.leaverwatch.alerting.kafka.KafkaAlertLoop;
import io.leaverwatch.alerting.standin.FakePagerDuty;
import io.leaverwatch.alerting.standin.FakeSlack;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo's alerting: the dispatcher of {@code leaverwatch alert --config} on the findings topic,
 * against local stand-ins of PagerDuty's Events API v2 and Slack's Web API that it starts itself
 * (nothing leaves the machine), with every payload also written to a folder and every delivery a
 * document in {@code leaverwatch-alerts}.
 */
final class DemoAlerts implements AutoCloseable {
  static final String GROUP = "leaverwatch-alerts";

  /** Demo credentials, the shapes the stand-ins check (a 32-character routing key). */
  private static final String ROUTING_KEY = "demo0000000000000000000000000000";

  private static final String SLACK_TOKEN = "xoxb-demo-stand-in";

  private final FakePagerDuty pagerDuty;
  private final FakeSlack slack;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AlertStats stats = new AlertStats();
  private final Thread thread;
  private final Path payloads;
  private volatile Throwable failure;

  private DemoAlerts(
      FakePagerDuty pagerDuty,
      FakeSlack slack,
      AlertRun.Options o,
      AlertRun.Prepared p,
      String b,
      DeliveryRecords records) {
    this.pagerDuty = pagerDuty;
    this.slack = slack;
    this.payloads = o.outDir();
    Properties consumer = KafkaAlertLoop.consumerProperties(b, GROUP, new Properties());
    this.thread =
        new Thread(
            () -> {
              try {
                AlertRun.streaming(
                    o,
                    p,
                    consumer,
                    "leaverwatch.findings",
                    "leaverwatch.alerts.dlq",
                    "leaverwatch.alerts",
                    stop,
                    stats,
                    DeliveryHooks.NONE,
                    records);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException | Error e) {
                failure = e;
              }
            },
            "leaverwatch-demo-alerts");
    thread.setDaemon(true);
  }

  /**
   * Starts the stand-ins and the dispatcher. The routes are {@code rules/alerting.yaml} with a
   * digest window of 20 s instead of its 5 min, so that the demo's replay of days of logs in a
   * minute shows its digests before it ends.
   */
  static DemoAlerts start(
      Path root, Path rules, String bootstrapServers, ElasticsearchClient es, String indexPrefix)
      throws IOException {
    Path dir = root.resolve("alerts");
    DemoCommand.deleteTree(dir);
    Files.createDirectories(dir);
    String routes = Files.readString(rules.resolve("alerting.yaml"), StandardCharsets.UTF_8);
    Path demoRoutes = dir.resolve("alerting.demo.yaml");
    Files.writeString(
        demoRoutes, routes.replace("window: 5m", "window: 20s"), StandardCharsets.UTF_8);
    FakePagerDuty pd = new FakePagerDuty();
    FakeSlack slack = new FakeSlack(SLACK_TOKEN).rateLimitPerChannel(Duration.ofSeconds(1));
    AlertRun.Options o =
        new AlertRun.Options(
            demoRoutes,
            null, // the ledger is the compacted topic leaverwatch.alerts, as alert --config has it
            dir.resolve("alerts-dlq.ndjson"),
            pd.baseUrl(),
            slack.baseUrl(),
            false,
            dir.resolve("payloads"),
            null);
    AlertRun.Prepared p =
        AlertRun.prepare(
            o,
            Map.of("LEAVERWATCH_PD_SECURITY", ROUTING_KEY, "LEAVERWATCH_SLACK_TOKEN", SLACK_TOKEN));
    DemoAlerts alerts =
        new DemoAlerts(
            pd, slack, o, p, bootstrapServers, new ElasticsearchDeliveries(es, indexPrefix));
    alerts.thread.start();
    return alerts;
  }

  /** Everything sent so far, for the live line. */
  long sent() {
    return stats.pagerDutyTriggers.get()
        + stats.pagerDutyResolves.get()
        + stats.slackPosted.get()
        + stats.slackUpdated.get()
        + stats.digests.get();
  }

  void checkAlive() {
    if (failure != null) {
      throw new IllegalStateException("the alert dispatcher stopped: " + failure, failure);
    }
  }

  void printSummary(PrintWriter err) {
    err.printf(
        "  PagerDuty (stand-in %s): %d triggers, %d resolves%n",
        pagerDuty.baseUrl(), stats.pagerDutyTriggers.get(), stats.pagerDutyResolves.get());
    err.printf(
        "  Slack (stand-in %s): %d messages posted, %d updated in place%n",
        slack.baseUrl(), stats.slackPosted.get(), stats.slackUpdated.get());
    err.printf(
        "  digests %d (covering %d findings), dead-lettered %d, rate-limited %d%n",
        stats.digests.get(),
        stats.digestedFindings.get(),
        stats.deadLettered.get(),
        stats.rateLimited.get());
    err.printf("  every payload sent: %s%n", payloads);
  }

  @Override
  public void close() {
    stop.set(true);
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    slack.close();
    pagerDuty.close();
  }
}
