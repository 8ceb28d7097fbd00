package io.leaverwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child service process (the Kafka broker or the Elasticsearch node) recorded in a pid file, so
 * that a later start in the same data dir can stop what a killed JVM left behind, and stopped by a
 * JVM shutdown hook if nobody closes it.
 *
 * <p>The pid file names a marker that only this run's processes carry on their command line (a
 * per-run token or a private path) and, for each pid, its start time. A later run stops a recorded
 * pid only if both still match, so a pid the kernel has since given to another process, or any
 * process that merely looks like the service, is left alone.
 */
final class ServiceProcess implements AutoCloseable {

  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(20);
  private static final String MARKER_PREFIX = "marker ";

  private final String name;
  private final Process process;
  private final Path pidFile;
  private final String marker;
  private final Runnable afterStop;
  private final Thread shutdownHook;
  private boolean stopped;

  private ServiceProcess(
      String name, Process process, Path pidFile, String marker, Runnable afterStop) {
    this.name = name;
    this.process = process;
    this.pidFile = pidFile;
    this.marker = marker;
    this.afterStop = afterStop;
    this.shutdownHook = new Thread(this::stopQuietly, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the process with stdout and stderr appended to {@code consoleLog}. Its command line must
   * contain {@code marker}; {@code afterStop} runs once the process is gone, from {@link #close()}
   * or from the shutdown hook.
   */
  static ServiceProcess start(
      String name,
      ProcessBuilder builder,
      Path pidFile,
      Path consoleLog,
      String marker,
      Runnable afterStop)
      throws IOException {
    if (marker.isBlank() || marker.contains("\n")) {
      throw new IllegalArgumentException("a marker is one non-blank line: " + marker);
    }
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    ServiceProcess started = new ServiceProcess(name, process, pidFile, marker, afterStop);
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
  synchronized void recordPids() {
    if (stopped) {
      return;
    }
    StringBuilder text = new StringBuilder();
    text.append("# ").append(name).append(": the marker its command lines carry, then pid start\n");
    text.append(MARKER_PREFIX).append(marker).append('\n');
    for (long pid : pids()) {
      startTime(pid).ifPresent(start -> text.append(pid).append(' ').append(start).append('\n'));
    }
    try {
      Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pid file " + pidFile, e);
    }
  }

  /**
   * Stops the launcher and all its children (TERM, then KILL after a grace period), removes the pid
   * file, then runs the after-stop action.
   */
  @Override
  public synchronized void close() {
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
      // harmless: the next start checks marker and start time before it stops anything
    }
    afterStop.run();
  }

  private void stopQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("could not stop " + name + ": " + e);
    }
  }

  /**
   * Stops the processes recorded in {@code pidFile} by an earlier run that are still the same
   * processes (same start time, the recorded marker on their command line), and their children;
   * then deletes the pid file. A pid file without a marker (an older format) stops nothing.
   *
   * @return the pids stopped
   */
  static List<Long> stopRecorded(Path pidFile) {
    if (!Files.isRegularFile(pidFile)) {
      return List.of();
    }
    // a recorded child is also a descendant of its recorded parent: keyed by pid, stopped once
    Map<Long, ProcessHandle> stale = new LinkedHashMap<>();
    for (ProcessHandle recorded : stillRunning(pidFile)) {
      stale.putIfAbsent(recorded.pid(), recorded);
      recorded.descendants().forEach(p -> stale.putIfAbsent(p.pid(), p));
    }
    stopAll(new ArrayList<>(stale.values()), GRACEFUL_STOP);
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete pid file " + pidFile, e);
    }
    return List.copyOf(stale.keySet());
  }

  /**
   * The processes {@code pidFile} records that are still the same processes: alive, started at the
   * recorded time, with the recorded marker on their command line.
   */
  static List<ProcessHandle> stillRunning(Path pidFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException gone) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pid file " + pidFile, e);
    }
    String marker = null;
    Map<Long, String> recorded = new LinkedHashMap<>();
    for (String line : lines) {
      String trimmed = line.trim();
      if (trimmed.startsWith(MARKER_PREFIX)) {
        marker = trimmed.substring(MARKER_PREFIX.length()).trim();
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      if (fields.length != 2) {
        continue;
      }
      try {
        recorded.put(Long.parseLong(fields[0]), fields[1]);
      } catch (NumberFormatException garbage) {
        // a line we did not write: ignore it
      }
    }
    List<ProcessHandle> same = new ArrayList<>();
    if (marker != null && !marker.isEmpty()) {
      for (Map.Entry<Long, String> entry : recorded.entrySet()) {
        sameProcess(entry.getKey(), entry.getValue(), marker).ifPresent(same::add);
      }
    }
    return same;
  }

  /** The live process {@code pid} if it started at {@code start} and carries {@code marker}. */
  static Optional<ProcessHandle> sameProcess(long pid, String start, String marker) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> startTime(pid).map(start::equals).orElse(false))
        .filter(p -> commandLine(pid).contains(marker));
  }

  /**
   * When {@code pid} started: the start time in clock ticks since boot from {@code
   * /proc/<pid>/stat} where there is a /proc, else the JDK's start instant in milliseconds.
   */
  static Optional<String> startTime(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isDirectory(Path.of("/proc/self"))) {
      try {
        String text = Files.readString(stat, StandardCharsets.UTF_8);
        // the command name, in parentheses, may hold spaces: fields are counted after its end
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return Optional.of("t" + fields[19]); // field 22 of the whole line
      } catch (IOException | RuntimeException gone) {
        return Optional.empty();
      }
    }
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().startInstant())
        .map(i -> "ms" + i.toEpochMilli());
  }

  /** The full command line of {@code pid}, arguments joined by spaces; empty if unreadable. */
  static String commandLine(long pid) {
    Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
    if (Files.isDirectory(Path.of("/proc/self"))) {
      try {
        return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
      } catch (IOException gone) {
        return "";
      }
    }
    return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
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
