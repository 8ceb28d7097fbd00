package io.leaverwatch.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.Finding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Findings NDJSON files (what {@code detect} writes; folders and {@code .gz} too), reduced to the
 * newest revision of each finding in first-seen order. A line that is not a finding goes to the DLQ
 * as {@code file:line: field: reason}; the others are still delivered.
 */
public final class FindingFiles {
  private FindingFiles() {}

  public static List<Finding> read(
      List<Path> paths, DeadLetters dlq, AlertStats stats, Clock clock) {
    Map<String, Finding> newest = new LinkedHashMap<>();
    for (Path file : expand(paths)) {
      try (BufferedReader r = open(file)) {
        String line;
        int no = 0;
        while ((line = r.readLine()) != null) {
          no++;
          if (line.isBlank()) {
            continue;
          }
          Finding f;
          try {
            f = FindingJson.parse(Json.treeReader().readTree(line));
          } catch (IOException | IllegalArgumentException e) {
            String reason =
                e instanceof IOException
                    ? "not valid JSON: " + e.getMessage().split("\n")[0]
                    : e.getMessage();
            ObjectNode dl = Json.mapper().createObjectNode();
            dl.put("at", clock.instant().toString());
            dl.put("action", "READ");
            dl.put("reason", file + ":" + no + ": " + reason);
            dl.put("raw", line.length() > 4096 ? line.substring(0, 4096) : line);
            dlq.write(dl);
            stats.badInput.incrementAndGet();
            continue;
          }
          newest.merge(f.getFindingId(), f, (a, b) -> b.getRevision() >= a.getRevision() ? b : a);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(newest.values());
  }

  /** Files as given, folders expanded to their *.ndjson / *.json / *.gz files in name order. */
  public static List<Path> expand(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile)
              .filter(
                  f -> {
                    String n = f.getFileName().toString();
                    return n.endsWith(".ndjson") || n.endsWith(".json") || n.endsWith(".gz");
                  })
              .sorted()
              .forEach(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException(p + ": cannot list: " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        throw new IllegalArgumentException(p + ": no such file or folder");
      }
    }
    return out;
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
