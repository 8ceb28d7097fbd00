package io.leaverwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child service process (the Kafka broker or the Elasticsearch node) whose pids are recorded in a
 * pid file, so that a later start in the same data dir can kill what a crashed JVM left behind, and
 * which is stopped by a JVM shutdown hook if nobody closes it.
 */
final class ServiceProcess implements AutoCloseable {

  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(20);

  private final String name;
  private final Process process;
  private final Path pidFile;
  private final Thread shutdownHook;
  private volatile boolean stopped;

  private ServiceProcess(String name, Process process, Path pidFile) {
    this.name = name;
    this.process = process;
    this.pidFile = pidFile;
    this.shutdownHook = new Thread(this::stopQuietly, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts the process with stdout and stderr appended to {@code consoleLog}. */
  static ServiceProcess start(String name, ProcessBuilder builder, Path pidFile, Path consoleLog)
      throws IOException {
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    ServiceProcess started = new ServiceProcess(name, process, pidFile);
    started.recordPids();
    return started;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /** Every pid of the service (the launcher and its children), for the pid file. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    process.descendants().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /** Rewrites the pid file; call again once the service has forked its children. */
  void recordPids() {
    try {
      StringBuilder text = new StringBuilder();
      for (long pid : pids()) {
        text.append(pid).append('\n');
      }
      Files.writeString(pidFile, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pid file " + pidFile, e);
    }
  }

  /** Stops the launcher and all its children (TERM, then KILL after a grace period). */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook itself is running this
    }
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    stopAll(all, GRACEFUL_STOP);
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      // a stale pid file is harmless: the next start checks the command line before killing
    }
  }

  private void stopQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("could not stop " + name + ": " + e);
    }
  }

  /**
   * Kills processes listed in {@code pidFile} that are still running with a command line containing
   * {@code commandMarker} (so a recycled pid of an unrelated process is left alone).
   */
  static void killStale(Path pidFile, String commandMarker) {
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<ProcessHandle> stale = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(pidFile, StandardCharsets.UTF_8)) {
        String trimmed = line.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(trimmed);
        } catch (NumberFormatException garbage) {
          continue;
        }
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().commandLine().orElse("").contains(commandMarker))
            .ifPresent(stale::add);
      }
      stopAll(stale, GRACEFUL_STOP);
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pid file " + pidFile, e);
    }
  }

  private static void stopAll(List<ProcessHandle> processes, Duration grace) {
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle p : processes) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          p.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception timeoutOrFailure) {
        // fall through to the forcible kill below
      }
    }
    for (ProcessHandle p : processes) {
      if (p.isAlive()) {
        p.destroyForcibly();
        try {
          p.onExit().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception ignored) {
          // reported by the caller's ProcessHandle checks
        }
      }
    }
  }

  /** The last {@code lines} lines of a log file, or a note that it is missing. */
  static String tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "(no " + file + ")";
    }
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
