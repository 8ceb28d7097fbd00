package io.leaverwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One Kafka broker and one Elasticsearch node per test JVM, started on first use and stopped by
 * their shutdown hooks when the JVM exits. Their data lives under {@code target/embedded-services}
 * (or the folder in system property {@code leaverwatch.embedded.dir}) and is wiped at first use,
 * after killing whatever a crashed earlier run left running there.
 */
public final class SharedEmbeddedServices {

  private static EmbeddedKafka kafka;
  private static EmbeddedElasticsearch elasticsearch;

  private SharedEmbeddedServices() {}

  public static synchronized EmbeddedKafka kafka() {
    if (kafka == null) {
      Path dir = freshDir("kafka", "kafka.pid", "kafka.Kafka");
      kafka = EmbeddedKafka.start(dir);
    }
    return kafka;
  }

  public static synchronized EmbeddedElasticsearch elasticsearch() {
    if (elasticsearch == null) {
      Path dir = freshDir("elasticsearch", "elasticsearch.pid", "elasticsearch");
      elasticsearch = EmbeddedElasticsearch.start(dir);
    }
    return elasticsearch;
  }

  private static Path freshDir(String name, String pidFile, String commandMarker) {
    Path root =
        Path.of(System.getProperty("leaverwatch.embedded.dir", "target/embedded-services"))
            .toAbsolutePath();
    Path dir = root.resolve(name);
    ServiceProcess.killStale(dir.resolve(pidFile), commandMarker);
    if ("elasticsearch".equals(name)) {
      ServiceProcess.killStale(dir.resolve("logs/server.pid"), commandMarker);
    }
    deleteRecursively(dir);
    return dir;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + dir, e);
    }
  }
}
