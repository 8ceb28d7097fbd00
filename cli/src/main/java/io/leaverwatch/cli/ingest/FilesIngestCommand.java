package io.leaverwatch.cli.ingest;

import io.leaverwatch.cli.UsageException;
import io.leaverwatch.core.people.InputFileException;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.core.read.UnreadableInputException;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code leaverwatch ingest files}: audit log files and the HR/IAM lists to their topics. */
@Command(
    name = "files",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes audit log files (files or folders, .gz too; replayed in day order) to audit.raw,"
          + " and the departures, identities and access snapshots to their topics, with an"
          + " idempotent acks=all producer. Returns when Kafka acknowledged every record."
    })
public final class FilesIngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Audit log files or folders.")
  List<Path> paths = List.of();

  @Option(names = "--departures", paramLabel = "F", description = "Departures CSV or NDJSON.")
  Path departures;

  @Option(names = "--identities", paramLabel = "F", description = "Identities CSV or NDJSON.")
  Path identities;

  @Option(names = "--access", paramLabel = "F", description = "Access snapshots NDJSON.")
  Path access;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOSTS",
      description = "Kafka (default: $LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS or localhost:9092).")
  String bootstrap;

  @Option(
      names = "--topic",
      defaultValue = "audit.raw",
      description = "Raw topic (default: ${DEFAULT-VALUE}).")
  String rawTopic;

  @Option(
      names = "--normalised",
      description =
          "The audit files are already normalised AuditEvent lines (as `leaverwatch normalize`"
              + " writes them). Without it such a line is dead-lettered: only an input marked so"
              + " may carry a finished event.")
  boolean normalised;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (paths.isEmpty() && departures == null && identities == null && access == null) {
      throw new UsageException(
          "nothing to publish: give PATH... and/or --departures/--identities/--access");
    }
    try {
      RecordReader.expand(paths);
      if (departures != null) {
        PeopleFiles.readDepartures(departures);
      }
      if (identities != null) {
        PeopleFiles.readIdentities(identities);
      }
      if (access != null) {
        PeopleFiles.readAccess(access);
      }
    } catch (UnreadableInputException | InputFileException e) {
      throw new UsageException(e.getMessage(), e);
    }
    String servers = bootstrap;
    if (servers == null) {
      servers =
          System.getenv().getOrDefault("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    }
    FilePublisher.Topics defaults = FilePublisher.Topics.defaults();
    FilePublisher.Topics topics =
        new FilePublisher.Topics(
            rawTopic, defaults.departures(), defaults.identities(), defaults.access());
    long start = System.nanoTime();
    try (Producer<String, byte[]> producer =
        KafkaRecordSink.producer(servers, "leaverwatch-ingest-files")) {
      FilePublisher publisher =
          new FilePublisher(producer, topics, FilePublisher.DEFAULT_MAX_MESSAGE_BYTES, normalised);
      FilePublisher.Published people = publisher.publishPeople(departures, identities, access);
      err.printf(
          "ingest files: %d departure(s), %d identit(ies), %d grant(s) published%n",
          people.departures(), people.identities(), people.grants());
      FilePublisher.Published events =
          paths.isEmpty()
              ? new FilePublisher.Published(0, 0, 0, 0, 0)
              : publisher.publishEvents(
                  paths,
                  n -> {
                    double s = (System.nanoTime() - start) / 1e9;
                    err.printf("\r  records published %,d (%.0f/s)   ", n, n / Math.max(s, 0.001));
                    err.flush();
                  });
      err.printf(
          "%ningest files: %,d record(s) to %s (%d over the size limit, sent for dead-lettering;"
              + " %d CloudTrail document(s) too large for one message, split into %d part(s)) in"
              + " %.1f s%n",
          events.events(),
          rawTopic,
          events.oversized(),
          events.split(),
          events.parts(),
          (System.nanoTime() - start) / 1e9);
    }
    return 0;
  }
}
