package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

  @TempDir Path dir;

  @Test
  void aLaterRunStopsExactlyTheRecordedProcessAndSparesADecoyCalledElasticsearch()
      throws Exception {
    Process decoy = decoy();
    String marker = "elasticsearch-node-" + UUID.randomUUID();
    Path pidFile = dir.resolve("node.pid");
    // a node whose JVM is then killed: nobody closes it, its pid file stays behind
    ServiceProcess leftOver =
        ServiceProcess.start(
            "node", sleeper(marker), pidFile, dir.resolve("console.log"), marker, () -> {});
    try {
      String decoyStart = ServiceProcess.startTime(decoy.pid()).orElseThrow();
      // the decoy's pid in the file too, as a recycled pid would be: its own start time, and a
      // start time it does not have
      Files.writeString(
          pidFile,
          decoy.pid() + " " + decoyStart + "\n" + decoy.pid() + " t1\n",
          StandardOpenOption.APPEND);

      List<Long> stopped = ServiceProcess.stopRecorded(pidFile);

      assertThat(stopped).containsExactly(leftOver.pid());
      assertThat(leftOver.isAlive()).isFalse();
      assertThat(decoy.isAlive()).as("a process merely called elasticsearch").isTrue();
      assertThat(pidFile).doesNotExist();
    } finally {
      decoy.destroyForcibly();
      leftOver.close();
    }
  }

  @Test
  void aRecordedParentAndItsRecordedChildAreEachStoppedOnce() throws Exception {
    String marker = "node-" + UUID.randomUUID();
    Path pidFile = dir.resolve("tree.pid");
    ServiceProcess leftOver =
        ServiceProcess.start(
            "tree",
            new ProcessBuilder(
                "bash", "-c", "bash -c 'exec -a \"$0\" sleep 600' \"$0\"; :", marker),
            pidFile,
            dir.resolve("console.log"),
            marker,
            () -> {});
    try {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (leftOver.pids().size() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      leftOver.recordPids();
      List<Long> recorded = leftOver.pids();
      assertThat(recorded).hasSize(2);

      assertThat(ServiceProcess.stopRecorded(pidFile)).containsExactlyElementsOf(recorded);
      for (long pid : recorded) {
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
            .as("pid %d", pid)
            .isEmpty();
      }
    } finally {
      leftOver.close();
    }
  }

  @Test
  void aPidFileWithoutAMarkerStopsNothing() throws Exception {
    Process decoy = decoy();
    try {
      Path pidFile = dir.resolve("old-format.pid");
      Files.writeString(pidFile, decoy.pid() + "\n");
      assertThat(ServiceProcess.stopRecorded(pidFile)).isEmpty();
      assertThat(decoy.isAlive()).isTrue();
      assertThat(pidFile).doesNotExist();
    } finally {
      decoy.destroyForcibly();
    }
  }

  @Test
  void aNodeLeftByAKilledRunIsStoppedAndItsStagingFolderRemoved() throws Exception {
    Process decoy = decoy();
    Path dataDir = Files.createDirectories(dir.resolve("data/elasticsearch"));
    NodeStaging staging = NodeStaging.create(dataDir, false);
    ServiceProcess leftOver =
        ServiceProcess.start(
            "elasticsearch",
            sleeper(staging.config().toString()),
            dataDir.resolve(EmbeddedElasticsearch.PID_FILE),
            dataDir.resolve("console.log"),
            staging.root() + "/",
            staging::remove);
    try {
      // bash is still bash until it has exec'd the sleeper under the node's command line
      awaitExec(leftOver.pid(), staging.config().toString());
      assertThat(staging.root()).isDirectory();
      assertThat(dataDir.resolve(NodeStaging.POINTER))
          .content()
          .contains(staging.root().toString());

      List<Long> stopped = EmbeddedElasticsearch.stopLeftovers(dataDir);

      assertThat(stopped).containsExactly(leftOver.pid());
      assertThat(leftOver.isAlive()).isFalse();
      assertThat(decoy.isAlive()).isTrue();
      assertThat(staging.root()).doesNotExist();
      assertThat(dataDir.resolve(NodeStaging.POINTER)).doesNotExist();
      assertThat(dataDir.resolve(EmbeddedElasticsearch.PID_FILE)).doesNotExist();
    } finally {
      decoy.destroyForcibly();
      leftOver.close();
    }
  }

  @Test
  void aStagingPointerToAFolderWeDidNotMakeDeletesNothing() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("data"));
    Path precious = Files.createDirectories(dir.resolve("leaverwatch-es-precious"));
    Files.writeString(precious.resolve("keep.txt"), "mine");
    Files.writeString(dataDir.resolve(NodeStaging.POINTER), precious + "\n");

    assertThat(EmbeddedElasticsearch.stopLeftovers(dataDir)).isEmpty();

    assertThat(precious.resolve("keep.txt")).hasContent("mine");
    assertThat(dataDir.resolve(NodeStaging.POINTER)).doesNotExist();
  }

  @Test
  void closeStopsTheProcessAndItsChildrenRemovesThePidFileAndRunsTheAfterStopAction()
      throws Exception {
    Path pidFile = dir.resolve("shell.pid");
    AtomicInteger afterStop = new AtomicInteger();
    String marker = "shell-" + UUID.randomUUID();
    ServiceProcess shell =
        ServiceProcess.start(
            "shell",
            new ProcessBuilder("sh", "-c", "sleep 300 & wait", marker),
            pidFile,
            dir.resolve("console.log"),
            marker,
            afterStop::incrementAndGet);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (shell.pids().size() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    List<Long> pids = shell.pids();
    assertThat(pids).hasSizeGreaterThanOrEqualTo(2);
    shell.close();
    shell.close();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty();
    }
    assertThat(pidFile).doesNotExist();
    assertThat(afterStop).hasValue(1);
  }

  /** {@code sleep 600} whose command line starts with {@code argv0}. */
  private static ProcessBuilder sleeper(String argv0) {
    return new ProcessBuilder("bash", "-c", "exec -a \"$0\" sleep 600", argv0);
  }

  /** A process that is not ours but whose command line contains "elasticsearch". */
  private static Process decoy() throws Exception {
    Process decoy = sleeper("elasticsearch-decoy").start();
    awaitExec(decoy.pid(), "elasticsearch-decoy");
    return decoy;
  }

  /** Waits (5 s at most) until the sleeper {@code pid} has exec'd under the name {@code argv0}. */
  private static void awaitExec(long pid, String argv0) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!ServiceProcess.commandLine(pid).startsWith(argv0 + " ")
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(ServiceProcess.commandLine(pid)).startsWith(argv0 + " 600");
  }

  @Test
  void theBrokerClasspathIncludesTheManifestClassPathOfALauncherJar() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest
        .getMainAttributes()
        .put(Attributes.Name.CLASS_PATH, "lib/kafka_2.13.jar lib/scala-library.jar");
    Path jar = dir.resolve("leaverwatch.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // a launcher jar is only its manifest here
    }
    String classpath = EmbeddedKafka.expandClasspath(jar.toString());
    assertThat(classpath.split(File.pathSeparator))
        .containsExactly(
            jar.toString(),
            lib.resolve("kafka_2.13.jar").toString(),
            lib.resolve("scala-library.jar").toString());
  }
}
