package io.leaverwatch.cli.ingest;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags every ingest subcommand shares. */
public final class IngestOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config (env vars override it)")
  Path config;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "where cursors persist (default: .leaverwatch/state)")
  Path state;

  @Option(names = "--once", description = "read until caught up, then exit 0")
  boolean once;

  @Option(
      names = "--to",
      paramLabel = "kafka|file:PATH",
      description = "kafka (default) or file:PATH for NDJSON")
  String to;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka brokers")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Kafka topic (default audit.raw)")
  String topic;

  @Option(
      names = "--since",
      paramLabel = "ISO-8601",
      description = "where to start when there is no saved cursor")
  String since;

  @Option(
      names = "--allow-insecure",
      description =
          "allow credentials over plain http:// (a local test server); refused without it")
  boolean allowInsecure;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      description = "wait between polls without --once (default 30s)")
  String pollInterval;
}
