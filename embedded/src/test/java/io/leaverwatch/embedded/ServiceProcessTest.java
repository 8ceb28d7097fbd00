package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

  @TempDir Path dir;

  @Test
  void killsWhatAnEarlierRunLeftInItsPidFileButSparesUnrelatedProcesses() throws Exception {
    Process leftOver = new ProcessBuilder("sleep", "300").start();
    Process unrelated = new ProcessBuilder("sleep", "301").start();
    try {
      Path pidFile = dir.resolve("service.pid");
      Files.writeString(pidFile, leftOver.pid() + "\nnot-a-pid\n");
      ServiceProcess.killStale(pidFile, "sleep 300");
      assertThat(leftOver.isAlive()).isFalse();
      assertThat(pidFile).doesNotExist();

      Files.writeString(pidFile, unrelated.pid() + "\n");
      ServiceProcess.killStale(pidFile, "elasticsearch");
      assertThat(unrelated.isAlive()).isTrue();
    } finally {
      leftOver.destroyForcibly();
      unrelated.destroyForcibly();
    }
  }

  @Test
  void closeStopsTheProcessAndItsChildrenAndRemovesThePidFile() throws Exception {
    Path pidFile = dir.resolve("shell.pid");
    ServiceProcess shell =
        ServiceProcess.start(
            "shell",
            new ProcessBuilder("sh", "-c", "sleep 300 & wait"),
            pidFile,
            dir.resolve("console.log"));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (shell.pids().size() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    List<Long> pids = shell.pids();
    assertThat(pids).hasSizeGreaterThanOrEqualTo(2);
    shell.close();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty();
    }
    assertThat(pidFile).doesNotExist();
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
