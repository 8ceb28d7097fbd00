package io.leaverwatch.bench.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a figure was measured on: cores, CPU model, JDK and memory, as a benchmark reports it. */
public final class MachineDescription {
  private MachineDescription() {}

  public static Map<String, Object> current() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    m.put("cpu_model", cpuModel(Path.of("/proc/cpuinfo")));
    m.put(
        "jdk",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version", System.getProperty("java.version")));
    m.put("total_memory_bytes", totalMemoryBytes(Path.of("/proc/meminfo")));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    return m;
  }

  /** The first "model name" of /proc/cpuinfo, or "unknown" where there is none (not Linux). */
  static String cpuModel(Path cpuinfo) {
    for (String line : lines(cpuinfo)) {
      if (line.startsWith("model name")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          return line.substring(colon + 1).trim();
        }
      }
    }
    return "unknown";
  }

  /** MemTotal of /proc/meminfo in bytes, or the JVM's max heap where that file is absent. */
  static long totalMemoryBytes(Path meminfo) {
    for (String line : lines(meminfo)) {
      if (line.startsWith("MemTotal:")) {
        String[] parts = line.substring(9).trim().split("\\s+");
        try {
          return Long.parseLong(parts[0]) * 1024L;
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    return Runtime.getRuntime().maxMemory();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
