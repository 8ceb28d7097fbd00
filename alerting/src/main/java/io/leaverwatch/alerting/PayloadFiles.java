package io.leaverwatch.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes every payload (as rendered: no routing key, no token) to {@code DIR/<receiver>/}, one file
 * per request, numbered in sending order: what {@code --dry-run} shows and what the demo points at.
 */
public final class PayloadFiles {
  private final Path dir;
  private final Map<String, Integer> seq = new HashMap<>();

  public PayloadFiles(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  private static int existing(Path receiverDir) {
    if (!Files.isDirectory(receiverDir)) {
      return 0;
    }
    try (java.util.stream.Stream<Path> s = Files.list(receiverDir)) {
      return (int) s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized Path write(String receiver, String method, String subject, ObjectNode body) {
    String safeReceiver = receiver.replaceAll("[^A-Za-z0-9._-]", "_");
    // numbering goes on after a restart instead of overwriting the earlier run's files
    int n = seq.computeIfAbsent(safeReceiver, r -> existing(dir.resolve(r))) + 1;
    seq.put(safeReceiver, n);
    String name =
        String.format(
            "%05d-%s-%s.json",
            n, method.replace('.', '_'), subject.replaceAll("[^A-Za-z0-9._:-]", "_"));
    Path f = dir.resolve(safeReceiver).resolve(name.replace(':', '_'));
    try {
      Files.createDirectories(f.getParent());
      Files.writeString(
          f,
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write payload " + f, e);
    }
    return f;
  }
}
