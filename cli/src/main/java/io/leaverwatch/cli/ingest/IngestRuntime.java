package io.leaverwatch.cli.ingest;

import io.leaverwatch.cli.UsageException;
import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.IngestLoop;
import io.leaverwatch.ingest.IngestStatus;
import io.leaverwatch.ingest.PageSource;
import io.leaverwatch.ingest.Sleeper;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.sink.EventKeys;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.ingest.sink.NdjsonFileSink;
import io.leaverwatch.ingest.sink.RecordSink;
import io.leaverwatch.ingest.snapshot.AccessSnapshot;
import io.leaverwatch.ingest.state.CursorStore;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What every ingest command needs once its flags are read: the resolved settings, the sink, the
 * cursor store, a status line on stderr, and a way to run loops once or forever.
 */
final class IngestRuntime implements AutoCloseable {
  static final String RAW_TOPIC = "audit.raw";
  static final String SNAPSHOT_TOPIC = "iam.access-snapshots";

  final IngestOptions options;
  final IngestConfig config;
  final Clock clock = Clock.systemUTC();
  final PrintWriter err;
  private final List<IngestStatus> statuses = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private ScheduledExecutorService statusPrinter;
  private RecordSink<RawAuditRecord> rawSink;
  private RecordSink<AccessGrant> grantSink;
  private CursorStore store;

  IngestRuntime(IngestOptions options, PrintWriter err, Map<String, String> env) {
    this.options = options;
    this.err = err;
    this.config = IngestConfig.load(options.config, env);
  }

  String setting(String flag, String section, String key) {
    return flag != null ? flag : config.get(section, key);
  }

  Instant since(String section) {
    return IngestConfig.instant(setting(options.since, section, "since"), "--since");
  }

  Duration pollInterval(String section) {
    String v = options.pollInterval;
    if (v == null) {
      v = config.get(section, "poll_interval");
    }
    if (v == null) {
      v = config.get(null, "poll_interval");
    }
    Duration d = IngestConfig.duration(v, "--poll-interval");
    return d == null ? Duration.ofSeconds(30) : d;
  }

  IngestLog log(String name) {
    return new IngestLog(name);
  }

  CursorStore store() {
    if (store == null) {
      String dir = options.state != null ? options.state.toString() : config.get(null, "state");
      Path p = Path.of(dir == null ? ".leaverwatch/state" : dir);
      try {
        store = new CursorStore(p);
      } catch (IOException e) {
        throw new UsageException("--state " + p + " cannot be created: " + e.getMessage());
      }
    }
    return store;
  }

  private String target() {
    String to = options.to != null ? options.to : config.get(null, "to");
    return to == null ? "kafka" : to;
  }

  private String bootstrap() {
    String b = setting(options.bootstrapServers, "kafka", "bootstrap_servers");
    return b == null ? "localhost:9092" : b;
  }

  /** The file sink every connector shares with {@code --to file:PATH}. */
  private RecordSink<RawAuditRecord> rawFileSink() {
    if (rawSink == null) {
      String to = target();
      if (!to.startsWith("file:")) {
        throw new UsageException("--to " + to + ": expected kafka or file:PATH");
      }
      rawSink = fileSink(to, RecordJson::rawRecordLine);
      closeables.add(rawSink);
    }
    return rawSink;
  }

  RecordSink<AccessGrant> grantSink() {
    if (grantSink == null) {
      String to = target();
      if (to.startsWith("file:")) {
        grantSink = fileSink(to, RecordJson::accessGrantLine);
      } else if (to.equals("kafka")) {
        String topic =
            options.topic != null ? options.topic : config.get("kafka", "snapshot_topic");
        grantSink =
            new KafkaRecordSink<>(
                KafkaRecordSink.producer(bootstrap(), "leaverwatch-snapshots"),
                topic == null ? SNAPSHOT_TOPIC : topic,
                g -> g.getSystem() + ":" + g.getIdentity(),
                IngestRuntime::encode);
      } else {
        throw new UsageException("--to " + to + ": expected kafka or file:PATH");
      }
      closeables.add(grantSink);
    }
    return grantSink;
  }

  private <T> RecordSink<T> fileSink(String to, NdjsonFileSink.LineFormat<T> format) {
    String path = to.substring("file:".length());
    if (path.isBlank()) {
      throw new UsageException("--to file:PATH needs a path");
    }
    try {
      return new NdjsonFileSink<>(Path.of(path), format);
    } catch (IOException e) {
      throw new UsageException("--to " + to + ": cannot open for writing: " + e.getMessage());
    }
  }

  static byte[] encode(RawAuditRecord r) {
    return bytes(() -> RawAuditRecord.getEncoder().encode(r));
  }

  static byte[] encode(AccessGrant g) {
    return bytes(() -> AccessGrant.getEncoder().encode(g));
  }

  private interface Encoding {
    ByteBuffer encode() throws IOException;
  }

  private static byte[] bytes(Encoding e) {
    try {
      ByteBuffer b = e.encode();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  IngestStatus status(String name) {
    IngestStatus s = new IngestStatus(name, clock);
    synchronized (statuses) {
      statuses.add(s);
    }
    if (statusPrinter == null) {
      statusPrinter =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "ingest-status");
                t.setDaemon(true);
                return t;
              });
      statusPrinter.scheduleAtFixedRate(this::printStatus, 2, 2, TimeUnit.SECONDS);
    }
    return s;
  }

  void printStatus() {
    synchronized (statuses) {
      for (IngestStatus s : statuses) {
        err.println(s.line());
      }
      err.flush();
    }
  }

  IngestLoop loop(PageSource source, IngestLog log) {
    return new IngestLoop(
        source, rawSink(source.key()), store(), clock, Sleeper.REAL, log, status(source.key()));
  }

  /**
   * To Kafka, each connector gets its own transactional producer (its transactional id named after
   * its cursor), so a page is delivered whole or not at all and a restarted connector fences the
   * process it replaces; to a file, every connector appends to the one file.
   */
  private RecordSink<RawAuditRecord> rawSink(String sourceKey) {
    if (!target().equals("kafka")) {
      return rawFileSink();
    }
    String topic = setting(options.topic, "kafka", "topic");
    String servers = bootstrap();
    RecordSink<RawAuditRecord> sink =
        KafkaRecordSink.transactional(
            KafkaRecordSink.transactionalProducer(
                servers, "leaverwatch-ingest", "leaverwatch-ingest-" + sourceKey),
            topic == null ? RAW_TOPIC : topic,
            EventKeys::of,
            IngestRuntime::encode,
            () -> KafkaRecordSink.tailConsumer(servers));
    closeables.add(sink);
    return sink;
  }

  /**
   * Runs one loop per source: sequentially to "caught up" with --once, else in parallel forever.
   */
  int runLoops(List<Map.Entry<IngestLoop, Duration>> loops) throws Exception {
    if (options.once) {
      for (var l : loops) {
        l.getKey().runOnce();
      }
      printStatus();
      return 0;
    }
    if (loops.size() == 1) {
      loops.get(0).getKey().runForever(loops.get(0).getValue());
      return 0;
    }
    ExecutorService pool = Executors.newFixedThreadPool(loops.size());
    try {
      List<Future<Object>> running = new ArrayList<>();
      for (var l : loops) {
        running.add(
            pool.submit(
                () -> {
                  l.getKey().runForever(l.getValue());
                  return null;
                }));
      }
      for (Future<Object> f : running) {
        f.get();
      }
      return 0;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One snapshot of each system now; with --once that is all, else again every interval. */
  int runSnapshots(List<AccessSnapshot> snapshots, Duration interval) throws Exception {
    IngestStatus status = status("snapshots");
    while (true) {
      for (AccessSnapshot s : snapshots) {
        Instant now = clock.instant();
        List<AccessGrant> grants;
        try {
          grants = s.collect(now);
        } catch (SourceException e) {
          if (options.once || !e.retryable()) {
            throw e;
          }
          err.println("snapshot " + s.system() + " failed: " + e.getMessage());
          continue;
        }
        grantSink().send(grants);
        status.page(grants.size(), now);
      }
      if (options.once) {
        printStatus();
        return 0;
      }
      Sleeper.REAL.sleep(interval);
    }
  }

  @Override
  public void close() throws Exception {
    if (statusPrinter != null) {
      statusPrinter.shutdownNow();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }
}
