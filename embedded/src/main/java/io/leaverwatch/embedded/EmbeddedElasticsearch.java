package io.leaverwatch.embedded;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * A real single-node Elasticsearch (the {@code integ-test-zip} distribution) running as a child
 * process on 127.0.0.1. The node runs from a private staging folder under the temp dir ({@link
 * NodeStaging}: config, index data, logs, and as root a copy of the distribution), so that it can
 * run as an unprivileged uid wherever the caller's data dir is; the data dir keeps the pid file,
 * the console log, a pointer to the staging folder and, once the node stops, its logs.
 *
 * <p>The integ-test distribution has no ILM, ingest pipelines, painless or delete_by_query: code
 * that must also run here cannot rely on them.
 */
public final class EmbeddedElasticsearch implements AutoCloseable {

  /** Elasticsearch refuses to run as root; as root we drop to this uid/gid (nobody/nogroup). */
  static final int UNPRIVILEGED_ID = 65534;

  static final String PID_FILE = "elasticsearch.pid";

  private static final String CLUSTER_NAME = "leaverwatch-embedded";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

  private final Path dataDir;
  private final int httpPort;
  private final ServiceProcess process;
  private final NodeStaging staging;
  private RestClient restClient;
  private ElasticsearchClient client;

  private EmbeddedElasticsearch(
      Path dataDir, int httpPort, ServiceProcess process, NodeStaging staging) {
    this.dataDir = dataDir;
    this.httpPort = httpPort;
    this.process = process;
    this.staging = staging;
  }

  /** Starts a node with data under {@code dataDir} and waits (up to 90 s) until it is yellow. */
  public static EmbeddedElasticsearch start(Path dataDir) {
    return start(dataDir, DEFAULT_TIMEOUT);
  }

  public static EmbeddedElasticsearch start(Path dataDir, Duration timeout) {
    try {
      return launch(dataDir.toAbsolutePath().normalize(), timeout);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Elasticsearch in " + dataDir, e);
    }
  }

  /**
   * Stops the node an earlier, killed JVM started from {@code dataDir} (only the processes its pid
   * file names, checked by start time and command line) and deletes its staging folder. {@link
   * #start} does this too; call it before wiping {@code dataDir}, which would lose the pid file.
   *
   * @return the pids stopped
   */
  public static List<Long> stopLeftovers(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    List<Long> stopped = ServiceProcess.stopRecorded(dir.resolve(PID_FILE));
    NodeStaging.removeLeftover(dir);
    return stopped;
  }

  private static EmbeddedElasticsearch launch(Path dataDir, Duration timeout) throws IOException {
    Files.createDirectories(dataDir);
    stopLeftovers(dataDir);
    Path pidFile = dataDir.resolve(PID_FILE);

    boolean root = isRoot();
    if (root) {
      requireSetpriv();
      requireReachable(Path.of(System.getProperty("java.home")), "the JDK it runs on");
    }
    Path found = ElasticsearchDistribution.home(dataDir);
    NodeStaging staging = NodeStaging.create(dataDir, root);
    try {
      return launch(dataDir, pidFile, found, staging, root, timeout);
    } catch (IOException | RuntimeException e) {
      staging.remove();
      throw e;
    }
  }

  private static EmbeddedElasticsearch launch(
      Path dataDir, Path pidFile, Path found, NodeStaging staging, boolean root, Duration timeout)
      throws IOException {
    // as root the node cannot read a distribution under a private folder (the build's, in a 0700
    // home): it gets its own copy
    Path home = root ? staging.copyDistribution(found) : found;
    Path configDir = staging.config();
    Path logsDir = staging.logs();
    copyConfig(home.resolve("config"), configDir);

    int[] ports = FreePorts.pick(2);
    Files.writeString(
        configDir.resolve("elasticsearch.yml"),
        String.join(
            "\n",
            "cluster.name: " + CLUSTER_NAME,
            "node.name: leaverwatch-node",
            "network.host: 127.0.0.1",
            "http.port: " + ports[0],
            "transport.port: " + ports[1],
            "discovery.type: single-node",
            "xpack.security.enabled: false",
            "cluster.routing.allocation.disk.threshold_enabled: false",
            "action.destructive_requires_name: false",
            "path.data: " + staging.data(),
            "path.logs: " + logsDir,
            ""),
        StandardCharsets.UTF_8);
    Path jvmOptionsDir = configDir.resolve("jvm.options.d");
    Files.createDirectories(jvmOptionsDir);
    Files.writeString(
        jvmOptionsDir.resolve("leaverwatch.options"),
        // C1 only: the embedded node shares a small machine with the broker and the job, and its
        // C2 compiler thread would take a quarter of a core for minutes after every start
        "-Xms256m\n-Xmx256m\n-XX:TieredStopAtLevel=1\n-XX:HeapDumpPath=" + logsDir + "\n",
        StandardCharsets.UTF_8);
    staging.handOver();

    List<String> command = new ArrayList<>();
    if (root) {
      command.addAll(
          List.of(
              "setpriv",
              "--reuid=" + UNPRIVILEGED_ID,
              "--regid=" + UNPRIVILEGED_ID,
              "--clear-groups",
              "--"));
    }
    command.add(home.resolve("bin/elasticsearch").toString());
    ProcessBuilder builder = new ProcessBuilder(command).directory(staging.tmp().toFile());
    builder.environment().put("ES_PATH_CONF", configDir.toString());
    builder.environment().put("ES_TMPDIR", staging.tmp().toString());
    builder.environment().remove("ES_JAVA_OPTS");
    if (!Files.isDirectory(home.resolve("jdk"))) {
      builder.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
    }
    if (root) {
      builder.environment().put("HOME", staging.tmp().toString());
    }
    Path consoleLog = dataDir.resolve("console.log");
    // the staging folder's path is unique to this run and on the command line of the launcher
    // (-Des.path.conf) and of the node's JVM (-Djava.io.tmpdir, -XX:HeapDumpPath): the marker a
    // later run checks before it stops a recorded pid
    String marker = staging.root() + "/";
    ServiceProcess process =
        ServiceProcess.start(
            "elasticsearch", builder, pidFile, consoleLog, marker, staging::remove);
    EmbeddedElasticsearch node = new EmbeddedElasticsearch(dataDir, ports[0], process, staging);
    try {
      node.awaitYellow(timeout);
      process.recordPids();
      node.installEmbeddedDefaults();
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The caller's data dir: pid file, console log, the staging pointer, the logs after close. */
  public Path dataDir() {
    return dataDir;
  }

  /** The private folder the node runs from while it is up. */
  public Path stagingDir() {
    return staging.root();
  }

  /** The launcher's pid (the node's JVM is its child). */
  public long pid() {
    return process.pid();
  }

  /** Pids of the launcher and the node's JVM. */
  public List<Long> pids() {
    return process.pids();
  }

  /** A client for this node, closed with it. */
  public synchronized ElasticsearchClient client() {
    if (client == null) {
      restClient = RestClient.builder(HttpHost.create(httpUrl())).build();
      client =
          new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }
    return client;
  }

  /**
   * Stops the node, waits for its processes to exit, copies its logs to {@code <data dir>/logs} and
   * deletes its staging folder.
   */
  @Override
  public synchronized void close() {
    if (restClient != null) {
      try {
        restClient.close();
      } catch (IOException ignored) {
        // the node is going away anyway
      }
      restClient = null;
      client = null;
    }
    process.close();
  }

  private void awaitYellow(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    URI health = URI.create(httpUrl() + "/_cluster/health?wait_for_status=yellow&timeout=2s");
    String lastProblem = "no answer yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw failure(
            "Elasticsearch exited with code "
                + process.exitCode().orElse(-1)
                + " before it was up");
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        lastProblem = "HTTP " + response.statusCode() + " from " + health;
      } catch (ConnectException notListeningYet) {
        lastProblem = "connection refused on " + httpUrl();
      } catch (IOException e) {
        lastProblem = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("interrupted while waiting for Elasticsearch");
      }
      pauseUnlessExited(Duration.ofMillis(250));
    }
    throw failure(
        "Elasticsearch was not yellow within " + timeout.toSeconds() + " s (" + lastProblem + ")");
  }

  /** Waits up to {@code pause}, returning early if the process exits. */
  private void pauseUnlessExited(Duration pause) {
    try {
      ProcessHandle.of(process.pid())
          .ifPresent(
              p -> {
                try {
                  p.onExit().get(pause.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                  // the normal case: poll again
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Exception e) {
                  // reported by the next isAlive() check
                }
              });
    } catch (RuntimeException ignored) {
      // the next iteration reports the state
    }
  }

  /** Single node: replicas could never be assigned, so every index gets none by default. */
  private void installEmbeddedDefaults() {
    String body =
        "{\"index_patterns\":[\"*\"],\"priority\":0,"
            + "\"template\":{\"settings\":{\"number_of_replicas\":0}}}";
    HttpClient http = HttpClient.newHttpClient();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(httpUrl() + "/_index_template/leaverwatch-embedded-defaults"))
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw failure(
            "Elasticsearch refused the default index template: HTTP "
                + response.statusCode()
                + " "
                + response.body());
      }
    } catch (IOException e) {
      throw failure("cannot reach Elasticsearch to install defaults: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while installing defaults");
    }
  }

  private IllegalStateException failure(String message) {
    return new IllegalStateException(
        message
            + "\n--- tail of "
            + dataDir.resolve("console.log")
            + " ---\n"
            + ServiceProcess.tail(dataDir.resolve("console.log"), 40)
            + "\n--- tail of "
            + dataDir.resolve("logs").resolve(CLUSTER_NAME + ".log")
            + " (copied from "
            + staging.logs()
            + ") ---\n"
            + ServiceProcess.tail(staging.logs().resolve(CLUSTER_NAME + ".log"), 40));
  }

  private static void copyConfig(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static boolean isRoot() {
    try {
      Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      id.waitFor();
      return "0".equals(out);
    } catch (IOException e) {
      return "root".equals(System.getProperty("user.name"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static void requireSetpriv() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "setpriv"))) {
        return;
      }
    }
    throw new IllegalStateException(
        "Elasticsearch refuses to run as root and setpriv (util-linux) is not on PATH: "
            + "install util-linux or run as an unprivileged user");
  }

  /** The unprivileged node must be able to walk down to {@code dir}. */
  private static void requireReachable(Path dir, String what) throws IOException {
    Optional<Path> closed = NodeStaging.firstClosed(dir);
    if (closed.isPresent()) {
      throw new IllegalStateException(
          "Elasticsearch runs as uid "
              + UNPRIVILEGED_ID
              + " (we are root) and cannot enter "
              + closed.get()
              + " (no o+x) to reach "
              + what
              + " in "
              + dir
              + ": run with a JDK installed outside private folders, or chmod o+x "
              + closed.get());
    }
  }

  static void chown(Path... dirs) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("chown", "-R", UNPRIVILEGED_ID + ":" + UNPRIVILEGED_ID));
    for (Path dir : dirs) {
      command.add(dir.toString());
    }
    try {
      Process chown = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (chown.waitFor() != 0) {
        throw new IOException("chown failed: " + out.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during chown", e);
    }
  }

  /** Finds or unpacks the Elasticsearch distribution. */
  static final class ElasticsearchDistribution {
    private ElasticsearchDistribution() {}

    static Path home(Path dataDir) throws IOException {
      String override = System.getProperty("leaverwatch.elasticsearch.home");
      if (override != null && isHome(Path.of(override))) {
        return Path.of(override);
      }
      Properties build = buildProperties();
      String version = build.getProperty("elasticsearch.version");
      Path unpackedByBuild = Path.of(build.getProperty("elasticsearch.home", "/nonexistent"));
      if (isHome(unpackedByBuild)) {
        return unpackedByBuild;
      }
      Path unpacked = dataDir.resolve("distribution").resolve("elasticsearch-" + version);
      if (isHome(unpacked)) {
        return unpacked;
      }
      Path zip =
          Path.of(
              System.getProperty("user.home"),
              ".m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch",
              version,
              "elasticsearch-" + version + ".zip");
      if (!Files.isRegularFile(zip)) {
        throw new IllegalStateException(
            "Elasticsearch "
                + version
                + " is not unpacked at "
                + unpackedByBuild
                + " and "
                + zip
                + " is missing: run ./mvnw install -pl embedded -am -DskipTests");
      }
      unzip(zip, dataDir.resolve("distribution"));
      return unpacked;
    }

    private static boolean isHome(Path dir) {
      return Files.isExecutable(dir.resolve("bin/elasticsearch"))
          && Files.isDirectory(dir.resolve("config"));
    }

    static Properties buildProperties() throws IOException {
      Properties properties = new Properties();
      try (InputStream in =
          EmbeddedElasticsearch.class.getResourceAsStream("/leaverwatch-embedded.properties")) {
        if (in == null) {
          throw new IllegalStateException(
              "leaverwatch-embedded.properties is missing from the classpath");
        }
        properties.load(in);
      }
      return properties;
    }

    private static void unzip(Path zip, Path into) throws IOException {
      Files.createDirectories(into);
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
        for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
          Path target = into.resolve(entry.getName()).normalize();
          if (!target.startsWith(into)) {
            throw new IOException("zip entry escapes its folder: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      try (Stream<Path> homes = Files.list(into)) {
        for (Path home : (Iterable<Path>) homes::iterator) {
          makeExecutable(home.resolve("bin"));
          makeExecutable(home.resolve("jdk/bin"));
          makeExecutable(home.resolve("jdk/lib"));
        }
      }
    }

    private static void makeExecutable(Path dir) throws IOException {
      if (!Files.isDirectory(dir)) {
        return;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(file)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(file, perms);
          }
        }
      }
    }
  }
}
