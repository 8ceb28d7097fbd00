package io.leaverwatch.bench.pipeline;

import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.embedded.EmbeddedElasticsearch;
import io.leaverwatch.embedded.EmbeddedKafka;
import io.leaverwatch.embedded.SharedEmbeddedServices;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.testkit.generate.GenerationSummary;
import io.leaverwatch.testkit.generate.GeneratorConfig;
import io.leaverwatch.testkit.generate.OrgGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leaverwatch bench pipeline}: one run on one machine, against the embedded Kafka broker and
 * Elasticsearch node, of (1) the ceiling (two plain consumers decoding the Avro records, then the
 * same also normalising them), (2) the detection job to the findings topic, (3) the same with the
 * Elasticsearch sink and (4) the latency from Kafka append time to a finding searchable in
 * Elasticsearch at a fixed input rate.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the streaming pipeline on the embedded Kafka broker and Elasticsearch node and"
          + " writes bench-results.json (ceiling_eps, job_eps, job_es_eps, ratio_job, ratio_job_es,"
          + " latency_p50_ms, latency_p99_ms, input_rate_eps, events, machine, and"
          + " normalise_ceiling_eps, ratio_normalise_ceiling).",
      "Throughput: events/s = events / (time from the job reporting RUNNING until every event"
          + " is normalised, i.e. written to the job's audit.events topic or dead-lettered)."
          + " Ceiling: the same events over the time two consumers of one group need to decode"
          + " every Avro RawAuditRecord, from their partition assignment (median of three runs). Normalise ceiling: the"
          + " same two consumers also parsing and normalising every record, the job's first"
          + " step: the bound of ratio_job for any job that normalises.",
      "Latency: marker events (a departed person's Okta sign-in, each in its own hour) are"
          + " appended among background events at --rate; latency = when the finding is"
          + " searchable (refresh interval included) - the broker's LogAppendTime.",
      "Each run starts after a full garbage collection of the runs before it (they share"
          + " one JVM; a production job has no earlier runs).",
      "Not a test: figures depend on the machine and on what else runs on it."
    })
public final class PipelineBenchCommand implements Callable<Integer> {
  static final int DAYS = 30;

  /** Average events per person per calendar day of the generator at its default density. */
  static final double EVENTS_PER_PERSON_DAY = 4.9;

  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      required = true,
      paramLabel = "N",
      description = "About how many audit events to generate and push through (at least 10000).")
  long events;

  @Option(
      names = "--rate",
      defaultValue = "20000",
      paramLabel = "EPS",
      description = "Input rate of the latency run, events/s (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--markers",
      defaultValue = "30",
      paramLabel = "N",
      description = "Latency markers (at least 20; default: ${DEFAULT-VALUE}).")
  int markers;

  @Option(
      names = "--out",
      defaultValue = "bench-results.json",
      paramLabel = "FILE",
      description = "Where to write the results (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--data-dir",
      defaultValue = ".leaverwatch/bench",
      paramLabel = "DIR",
      description =
          "Broker, node and generated data; wiped at the start (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory.")
  Path rules;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Untimed runs of the job (with Elasticsearch) over the same events before anything is"
              + " measured, so that the JIT has compiled the hot code: a production job runs for"
              + " days, and one run still left the compiler busy (default: ${DEFAULT-VALUE};"
              + " 0 measures a cold JVM).")
  int warmup;

  @Option(
      names = "--anomaly",
      defaultValue = "off",
      paramLabel = "off|on|both",
      description =
          "ANOMALOUS_ACTIVITY in the job, with a model trained on the generated organisation:"
              + " off (default), on (every run), or both: the job is also measured without and"
              + " with it in this run (in the order without, with, with, without) and the ratio"
              + " printed.")
  String anomaly;

  @Override
  public Integer call() throws Exception {
    if (!List.of("off", "on", "both").contains(anomaly)) {
      throw new IllegalArgumentException("--anomaly must be off, on or both, not " + anomaly);
    }
    if (warmup < 0 || warmup > 10) {
      throw new IllegalArgumentException("--warmup must be between 0 and 10, not " + warmup);
    }
    if (events < 10_000 || events > 50_000_000) {
      throw new IllegalArgumentException(
          "--events must be between 10000 and 50000000, got " + events);
    }
    if (rate < 100 || rate > 1_000_000) {
      throw new IllegalArgumentException("--rate must be between 100 and 1000000, got " + rate);
    }
    if (markers < 20 || markers > 1000) {
      throw new IllegalArgumentException("--markers must be between 20 and 1000, got " + markers);
    }
    Path rulesDir = rules != null ? rules : RulesDirectory.resolve();
    if (!Files.isDirectory(rulesDir)) {
      throw new IllegalArgumentException("--rules: " + rulesDir + " is not a folder");
    }
    Path data = dataDir.toAbsolutePath().normalize();
    PrintWriter err = spec.commandLine().getErr();
    BenchProgress progress = new BenchProgress(err);
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--data-dir: cannot create " + data + ": " + e.getMessage(), e);
    }
    Path outFile = out.toAbsolutePath();
    if (outFile.getParent() != null && !Files.isDirectory(outFile.getParent())) {
      throw new IllegalArgumentException(
          "--out: folder " + outFile.getParent() + " does not exist");
    }

    Path org = data.resolve("org");
    deleteRecursively(org);
    int people = (int) Math.max(100, Math.ceil(events / (DAYS * EVENTS_PER_PERSON_DAY)));
    int departures = Math.max(40, people / 20);
    progress.line(
        "generating %d people, %d days, %d departures (about %,d events) into %s",
        people, DAYS, departures, events, org);
    GenerationSummary generated =
        new OrgGenerator(
                new GeneratorConfig(
                    people,
                    DAYS,
                    departures,
                    7,
                    GeneratorConfig.DEFAULT_START,
                    GeneratorConfig.DEFAULT_EVENTS_PER_DAY,
                    GeneratorConfig.DEFAULT_DOMAIN,
                    org),
                line -> {})
            .run();
    long total = generated.totalEvents();
    progress.line("generated %,d events", total);

    progress.line("starting Kafka and Elasticsearch under %s", data);
    // fresh broker and node data under --data-dir, after stopping whatever an earlier run left
    System.setProperty("leaverwatch.embedded.dir", data.toString());
    try (EmbeddedKafka kafka = SharedEmbeddedServices.kafka();
        EmbeddedElasticsearch es = SharedEmbeddedServices.elasticsearch();
        PipelineBench bench = new PipelineBench(kafka, es, rulesDir, org, progress)) {
      bench.createInputTopics();
      long rawRecords;
      try (Producer<String, byte[]> producer =
          KafkaRecordSink.producer(kafka.bootstrapServers(), "leaverwatch-bench")) {
        FilePublisher publisher = new FilePublisher(producer, bench.inputTopics());
        publisher.publishPeople(
            org.resolve("departures.csv"),
            org.resolve("identities.csv"),
            org.resolve("access.ndjson"));
        rawRecords =
            publisher
                .publishEvents(
                    bench.eventDirs(),
                    n -> {
                      if (n % 50_000 < 1024) {
                        progress.line("published %,d raw records", n);
                      }
                    })
                .events();
      }
      progress.line("published %,d raw records holding %,d events", rawRecords, total);

      Path model = anomaly.equals("off") ? null : trainAnomaly(rulesDir, org, data, progress);
      bench.anomalyModelDir(model);
      for (int i = 1; i <= warmup; i++) {
        double w = bench.job("warm-up-" + i, true, total);
        progress.line("warm-up %d of %d (not counted): %,.0f events/s", i, warmup, w);
      }
      double ceiling = bench.ceiling(rawRecords, total);
      progress.line("ceiling: %,.0f events/s", ceiling);
      double normaliseCeiling = bench.normaliseCeiling(rawRecords, total);
      progress.line(
          "normalise ceiling: %,.0f events/s (%.2f of the ceiling)",
          normaliseCeiling, ceiling > 0 ? normaliseCeiling / ceiling : 0);
      if (anomaly.equals("both")) {
        bench.anomalyModelDir(null);
      }
      double job = bench.job("job", false, total);
      progress.line("job (Kafka to findings topic): %,.0f events/s", job);
      if (anomaly.equals("both")) {
        compareAnomaly(bench, model, job, total, progress);
      }
      double jobEs = bench.job("job-es", true, total);
      progress.line("job + Elasticsearch sink: %,.0f events/s", jobEs);

      int latencyRate = rate;
      if (jobEs > 0 && jobEs * 0.8 < rate) {
        latencyRate = (int) Math.max(100, jobEs * 0.8);
        progress.line(
            "the job sustains %,.0f events/s here: latency run at %,d events/s instead of %,d",
            jobEs, latencyRate, rate);
      }
      PipelineBench.Latency latency = bench.latency(latencyRate, markers);
      BenchResults results =
          new BenchResults(
              ceiling,
              normaliseCeiling,
              job,
              jobEs,
              latency.p50Ms(),
              latency.p99Ms(),
              latency.achievedRateEps(),
              total,
              MachineDescription.current());
      String json = results.toJson();
      Files.writeString(outFile, json + "\n", StandardCharsets.UTF_8);
      spec.commandLine().getOut().println(json);
      spec.commandLine().getOut().flush();
      progress.line("wrote %s", outFile);
    }
    return 0;
  }

  private static Path trainAnomaly(Path rulesDir, Path org, Path data, BenchProgress progress)
      throws IOException {
    Path model = data.resolve("anomaly-model");
    deleteRecursively(model);
    var t =
        io.leaverwatch.anomaly.OrganisationTraining.train(
            rulesDir,
            eventDirs(org),
            org.resolve("departures.csv"),
            org.resolve("identities.csv"),
            model);
    progress.line(
        "anomaly: model %s trained on %,d person-days in %.1f s -> %s",
        t.version(), t.personDays(), t.seconds(), model);
    return model;
  }

  /**
   * The job without and with ANOMALOUS_ACTIVITY, in the order without (already measured), with,
   * with, without, so that a drift of the machine's load weighs on both alike.
   */
  private void compareAnomaly(
      PipelineBench bench, Path model, double firstWithout, long total, BenchProgress progress)
      throws Exception {
    bench.anomalyModelDir(model);
    double with1 = bench.job("job-anomaly-1", false, total);
    double with2 = bench.job("job-anomaly-2", false, total);
    bench.anomalyModelDir(null);
    double without2 = bench.job("job-2", false, total);
    double without = (firstWithout + without2) / 2;
    double with = (with1 + with2) / 2;
    String line =
        String.format(
            java.util.Locale.ROOT,
            "anomaly: job without %,.0f and %,.0f events/s, with %,.0f and %,.0f events/s;"
                + " with/without = %.3f",
            firstWithout,
            without2,
            with1,
            with2,
            without > 0 ? with / without : 0);
    progress.line("%s", line);
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Progress lines on stderr, each stamped with the seconds since the start. */
  static final class BenchProgress {
    private final PrintWriter err;
    private final long start = System.nanoTime();

    BenchProgress(PrintWriter err) {
      this.err = err;
    }

    synchronized void line(String format, Object... args) {
      err.printf(
          "bench [%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, String.format(format, args));
      err.flush();
    }
  }

  static List<Path> eventDirs(Path org) {
    return List.of(org.resolve("okta"), org.resolve("github"), org.resolve("cloudtrail"));
  }
}
