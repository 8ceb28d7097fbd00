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
 * (or the folder in system property {@code leaverwatch.embedded.dir}; the node runs from a staging
 * folder under the temp dir, see {@link EmbeddedElasticsearch}) and is wiped at first use, after
 * stopping what a killed earlier run left running from there.
 */
public final class SharedEmbeddedServices {

  private static EmbeddedKafka kafka;
  private static EmbeddedElasticsearch elasticsearch;

  private SharedEmbeddedServices() {}

  public static synchronized EmbeddedKafka kafka() {
    if (kafka == null) {
      Path dir = dir("kafka");
      EmbeddedKafka.stopLeftovers(dir);
      deleteRecursively(dir);
      kafka = EmbeddedKafka.start(dir);
    }
    return kafka;
  }

  public static synchronized EmbeddedElasticsearch elasticsearch() {
    if (elasticsearch == null) {
      Path dir = dir("elasticsearch");
      EmbeddedElasticsearch.stopLeftovers(dir);
      deleteRecursively(dir);
      elasticsearch = EmbeddedElasticsearch.start(dir);
    }
    return elasticsearch;
  }

  private static Path dir(String name) {
    return Path.of(System.getProperty("leaverwatch.embedded.dir", "target/embedded-services"))
        .toAbsolutePath()
        .normalize()
        .resolve(name);
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
