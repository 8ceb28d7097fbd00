package io.leaverwatch.embedded;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Kafka 4 broker in KRaft mode (combined broker and controller, node id 1) running as a
 * separate {@code kafka.Kafka} JVM on 127.0.0.1, with its log dirs under one data directory. Topics
 * are never auto-created: create them with {@link #createTopic}.
 */
public final class EmbeddedKafka implements AutoCloseable {

  static final String PID_FILE = "kafka.pid";

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final int brokerPort;
  private final int controllerPort;
  private final ServiceProcess process;
  private final Path consoleLog;

  private EmbeddedKafka(
      Path dataDir, int brokerPort, int controllerPort, ServiceProcess process, Path consoleLog) {
    this.dataDir = dataDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.process = process;
    this.consoleLog = consoleLog;
  }

  /** Starts a broker with data under {@code dataDir} and waits (up to 60 s) until it answers. */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, DEFAULT_TIMEOUT);
  }

  public static EmbeddedKafka start(Path dataDir, Duration timeout) {
    try {
      return launch(dataDir.toAbsolutePath().normalize(), timeout, FreePorts.pick(2));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka in " + dataDir, e);
    }
  }

  /**
   * Stops the broker an earlier, killed JVM started from {@code dataDir} (only the process its pid
   * file names, checked by start time and command line). {@link #start} does this too; call it
   * before wiping {@code dataDir}, which would lose the pid file.
   *
   * @return the pids stopped
   */
  public static List<Long> stopLeftovers(Path dataDir) {
    return ServiceProcess.stopRecorded(dataDir.toAbsolutePath().normalize().resolve(PID_FILE));
  }

  /**
   * Stops this broker and starts it again on the same ports and log dirs (what a rolling restart
   * does to a client): the returned broker replaces this one, which is closed.
   */
  public EmbeddedKafka restart() {
    process.close();
    try {
      return launch(dataDir, DEFAULT_TIMEOUT, new int[] {brokerPort, controllerPort});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart Kafka in " + dataDir, e);
    }
  }

  private static EmbeddedKafka launch(Path dataDir, Duration timeout, int[] ports)
      throws IOException {
    Files.createDirectories(dataDir);
    Path pidFile = dataDir.resolve(PID_FILE);
    stopLeftovers(dataDir);
    Path logDir = dataDir.resolve("kafka-logs");
    Files.createDirectories(logDir);
    Path serverProperties = dataDir.resolve("server.properties");
    Files.writeString(serverProperties, serverProperties(logDir, ports[0], ports[1]));

    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(serverProperties);
    }

    Path consoleLog = dataDir.resolve("kafka.log");
    Path log4j = dataDir.resolve("kafka-log4j2.properties");
    Files.writeString(log4j, log4jConfig(dataDir.resolve("kafka-server.log")));
    // on the broker's command line only: what a later run checks before stopping a recorded pid
    String marker = "-Dleaverwatch.embedded.run=kafka-" + UUID.randomUUID();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            marker,
            "-Xms128m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            // C1 only, as for the embedded Elasticsearch node: less JIT work on a shared machine
            "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + log4j.toUri(),
            "-cp",
            runtimeClasspath(),
            "kafka.Kafka",
            serverProperties.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile());
    builder.environment().remove("KAFKA_OPTS");
    ServiceProcess process =
        ServiceProcess.start("kafka", builder, pidFile, consoleLog, marker, () -> {});
    EmbeddedKafka broker = new EmbeddedKafka(dataDir, ports[0], ports[1], process, consoleLog);
    try {
      broker.awaitReady(timeout);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  static String serverProperties(Path logDir, int brokerPort, int controllerPort) {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:"
            + brokerPort
            + ",CONTROLLER://127.0.0.1:"
            + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + logDir,
        "num.partitions=1",
        "default.replication.factor=1",
        "min.insync.replicas=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=5",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=5",
        // Flink's exactly-once Kafka sink asks for transactions up to an hour long.
        "transaction.max.timeout.ms=3600000",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.retention.hours=-1",
        "");
  }

  private static String log4jConfig(Path file) {
    return String.join(
        "\n",
        "appender.file.type=File",
        "appender.file.name=file",
        "appender.file.fileName=" + file,
        "appender.file.layout.type=PatternLayout",
        "appender.file.layout.pattern=[%d] %p %m (%c)%n",
        "rootLogger.level=INFO",
        "rootLogger.appenderRef.file.ref=file",
        "");
  }

  /**
   * Runs the storage format in this JVM; {@code StorageTool.execute} returns instead of exiting.
   */
  private static void format(Path serverProperties) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      code =
          kafka.tools.StorageTool.execute(
              new String[] {
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                serverProperties.toString(),
                "--ignore-formatted"
              },
              print);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "formatting Kafka storage failed: " + e + "\n" + out.toString(StandardCharsets.UTF_8), e);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "formatting Kafka storage failed (exit "
              + code
              + "): "
              + out.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * This JVM's classpath, with the manifest {@code Class-Path} of each jar expanded: started with
   * {@code java -jar leaverwatch.jar}, {@code java.class.path} names only the CLI jar.
   */
  static String runtimeClasspath() {
    return expandClasspath(System.getProperty("java.class.path"));
  }

  static String expandClasspath(String classPath) {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      entries.add(entry);
      Path path = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
        try (JarFile jar = new JarFile(path.toFile())) {
          Manifest manifest = jar.getManifest();
          String manifestClassPath =
              manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (manifestClassPath != null) {
            Path base = path.toAbsolutePath().getParent();
            for (String relative : manifestClassPath.trim().split("\\s+")) {
              if (!relative.isEmpty() && !relative.contains(":")) {
                entries.add(base.resolve(relative).normalize().toString());
              } else if (relative.startsWith("file:")) {
                entries.add(Path.of(java.net.URI.create(relative)).toString());
              }
            }
          }
        } catch (IOException e) {
          // an unreadable jar adds nothing beyond itself
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastProblem = "no answer yet";
    try (Admin admin = admin(Duration.ofSeconds(5))) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw failure(
              "Kafka exited with code " + process.exitCode().orElse(-1) + " before it was up");
        }
        try {
          int nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .size();
          if (nodes > 0) {
            return;
          }
          lastProblem = "no broker registered";
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          lastProblem = String.valueOf(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw failure("interrupted while waiting for Kafka");
        }
      }
    }
    throw failure(
        "Kafka did not answer within " + timeout.toSeconds() + " s (" + lastProblem + ")");
  }

  private IllegalStateException failure(String message) {
    return new IllegalStateException(
        message
            + "\n--- tail of "
            + consoleLog
            + " ---\n"
            + ServiceProcess.tail(consoleLog, 40)
            + "\n--- tail of "
            + dataDir.resolve("kafka-server.log")
            + " ---\n"
            + ServiceProcess.tail(dataDir.resolve("kafka-server.log"), 40));
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The broker JVM's pid. */
  public long pid() {
    return process.pid();
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return admin(Duration.ofSeconds(30));
  }

  private Admin admin(Duration apiTimeout) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) apiTimeout.toMillis());
    props.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(apiTimeout.toMillis(), 30000));
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "leaverwatch-embedded-" + UUID.randomUUID());
    return Admin.create(props);
  }

  /**
   * Creates a topic (replication factor 1) unless it exists; {@code compacted} sets {@code
   * cleanup.policy=compact} for latest-value-per-key topics such as departures and identities.
   */
  public void createTopic(String name, int partitions, boolean compacted) {
    try (Admin admin = admin()) {
      NewTopic topic = new NewTopic(name, partitions, (short) 1);
      if (compacted) {
        topic.configs(
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      }
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("creating topic " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /** Stops the broker and waits for its JVM to exit. */
  @Override
  public void close() {
    process.close();
  }
}
