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

  public synchronized Path write(String receiver, String method, String subject, ObjectNode body) {
    String safeReceiver = receiver.replaceAll("[^A-Za-z0-9._-]", "_");
    int n = seq.merge(safeReceiver, 1, Integer::sum);
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
