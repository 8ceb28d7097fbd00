package io.leaverwatch.alerting;

import io.leaverwatch.alerting.kafka.KafkaAlertLoop;
import io.leaverwatch.alerting.kafka.KafkaDeadLetters;
import io.leaverwatch.alerting.kafka.KafkaLedgerStore;
import io.leaverwatch.alerting.ledger.Ledger;
import io.leaverwatch.alerting.render.FindingLinks;
import io.leaverwatch.alerting.routes.AlertRoutes;
import io.leaverwatch.alerting.routes.AlertRoutesLoader;
import io.leaverwatch.alerting.send.AlertSender;
import io.leaverwatch.alerting.send.DryRunSender;
import io.leaverwatch.schema.Finding;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two ways {@code leaverwatch alert} runs, wired from typed options: over findings files until
 * everything is delivered or dead-lettered ({@link #once}), or on the findings topic until stopped
 * ({@link #streaming}). The demo calls these against {@code standin.FakePagerDuty}/{@code
 * standin.FakeSlack} base URLs.
 */
public final class AlertRun {
  private AlertRun() {}

  /** What both modes take. {@code dlqFile} null in streaming mode: the DLQ topic. */
  public record Options(
      Path routesFile,
      Path stateDir,
      Path dlqFile,
      String pagerDutyUrl,
      String slackUrl,
      boolean dryRun,
      Path outDir,
      String kibanaUrl) {}

  /** Reads the routes and resolves every secret up front: a bad file or missing key fails here. */
  public static Prepared prepare(Options o, Map<String, String> env) {
    AlertRoutes routes = AlertRoutesLoader.load(o.routesFile());
    Map<String, AlertSender> senders;
    if (o.dryRun()) {
      senders = new LinkedHashMap<>();
      for (String name : routes.receivers().keySet()) {
        senders.put(name, new DryRunSender());
      }
    } else {
      senders = Secrets.senders(routes, env, o.pagerDutyUrl(), o.slackUrl());
    }
    return new Prepared(routes, senders);
  }

  public record Prepared(AlertRoutes routes, Map<String, AlertSender> senders) {}

  /** {@code --findings PATH... --once}. */
  public static AlertStats once(
      Options o, Prepared p, List<Path> findings, Clock clock, Sleeper sleeper)
      throws InterruptedException {
    AlertStats stats = new AlertStats();
    try (Ledger ledger = o.dryRun() ? Ledger.inMemory() : Ledger.open(o.stateDir());
        DeadLetters dlq =
            o.dlqFile() == null ? DeadLetters.discard() : new DeadLetterFile(o.dlqFile())) {
      Dispatcher.Settings settings =
          o.dryRun() ? Dispatcher.Settings.once().withoutPacing() : Dispatcher.Settings.once();
      Dispatcher d = dispatcher(o, p, ledger, dlq, clock, sleeper, settings, stats);
      for (Finding f : FindingFiles.read(findings, dlq, stats, clock)) {
        d.offer(f, () -> {});
      }
      d.finish();
    }
    return stats;
  }

  /**
   * {@code --config leaverwatch.yaml}: until {@code stop} is set. The ledger is the compacted topic
   * {@code ledgerTopic} (transactional id: the consumer group's, plus {@code -ledger}) unless
   * {@code --state} names a folder.
   */
  public static AlertStats streaming(
      Options o,
      Prepared p,
      Properties consumerProps,
      String topic,
      String dlqTopic,
      String ledgerTopic,
      AtomicBoolean stop,
      AlertStats stats)
      throws InterruptedException {
    return streaming(
        o, p, consumerProps, topic, dlqTopic, ledgerTopic, stop, stats, DeliveryHooks.NONE);
  }

  /** The same, with crash-injection hooks (tests). */
  public static AlertStats streaming(
      Options o,
      Prepared p,
      Properties consumerProps,
      String topic,
      String dlqTopic,
      String ledgerTopic,
      AtomicBoolean stop,
      AlertStats stats,
      DeliveryHooks hooks)
      throws InterruptedException {
    return streaming(
        o,
        p,
        consumerProps,
        topic,
        dlqTopic,
        ledgerTopic,
        stop,
        stats,
        hooks,
        DeliveryRecords.NONE);
  }

  /** The same, reporting every delivery to {@code records} (Elasticsearch, when configured). */
  public static AlertStats streaming(
      Options o,
      Prepared p,
      Properties consumerProps,
      String topic,
      String dlqTopic,
      String ledgerTopic,
      AtomicBoolean stop,
      AlertStats stats,
      DeliveryHooks hooks,
      DeliveryRecords records)
      throws InterruptedException {
    Clock clock = Clock.systemUTC();
    KafkaLedgerStore topicStore =
        o.dryRun() || o.stateDir() != null
            ? null
            : KafkaLedgerStore.open(
                consumerProps,
                ledgerTopic,
                consumerProps.getProperty("group.id", "leaverwatch-alerts") + "-ledger");
    try (Ledger ledger =
            o.dryRun()
                ? Ledger.inMemory()
                : topicStore != null ? Ledger.over(topicStore) : Ledger.open(o.stateDir());
        DeadLetters dlq =
            o.dlqFile() != null
                ? new DeadLetterFile(o.dlqFile())
                : new KafkaDeadLetters(consumerProps, dlqTopic);
        var consumer = KafkaAlertLoop.consumer(consumerProps)) {
      Dispatcher.Settings settings =
          o.dryRun()
              ? Dispatcher.Settings.streaming().withoutPacing()
              : Dispatcher.Settings.streaming();
      Dispatcher d =
          dispatcher(o, p, ledger, dlq, clock, Sleeper.REAL, settings, stats, hooks)
              .recordingTo(o.dryRun() ? DeliveryRecords.NONE : records);
      KafkaAlertLoop loop = new KafkaAlertLoop(consumer, topic, d, dlq, stats, clock);
      if (topicStore != null) {
        loop.committingThrough(topicStore);
      }
      loop.withHooks(hooks).run(stop);
    }
    return stats;
  }

  static Dispatcher dispatcher(
      Options o,
      Prepared p,
      Ledger ledger,
      DeadLetters dlq,
      Clock clock,
      Sleeper sleeper,
      Dispatcher.Settings settings,
      AlertStats stats) {
    return dispatcher(o, p, ledger, dlq, clock, sleeper, settings, stats, DeliveryHooks.NONE);
  }

  static Dispatcher dispatcher(
      Options o,
      Prepared p,
      Ledger ledger,
      DeadLetters dlq,
      Clock clock,
      Sleeper sleeper,
      Dispatcher.Settings settings,
      AlertStats stats,
      DeliveryHooks hooks) {
    return new Dispatcher(
        p.routes(),
        p.senders(),
        ledger,
        dlq,
        new FindingLinks(o.kibanaUrl()),
        clock,
        sleeper,
        hooks,
        settings,
        stats,
        o.outDir() == null ? null : new PayloadFiles(o.outDir()));
  }
}
