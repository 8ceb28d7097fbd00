package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.Refresh;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node starts from a checkout in a private home folder (mode 0700, as root's is in a
 * container): its data dir and the distribution the build unpacked are both out of reach of the
 * unprivileged uid the node runs as when we are root.
 */
class EmbeddedElasticsearchStagingITCase {

  @TempDir Path tmp;

  @Test
  void startsFromACheckoutUnderA0700FolderAndLeavesOnlyItsDataDirBehind() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("root-home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Path checkout = Files.createDirectories(home.resolve("lwtest"));
    Path distribution =
        copy(
            EmbeddedElasticsearch.ElasticsearchDistribution.home(tmp.resolve("unused")),
            checkout.resolve("embedded/target/elasticsearch"));
    Path dataDir = checkout.resolve(".leaverwatch/elasticsearch");

    String previous = System.setProperty("leaverwatch.elasticsearch.home", distribution.toString());
    EmbeddedElasticsearch es;
    try {
      es = EmbeddedElasticsearch.start(dataDir);
    } finally {
      restore(previous);
    }
    List<Long> pids;
    Path staging;
    try {
      pids = es.pids();
      staging = es.stagingDir();
      // a write and a read: the unprivileged node can use its data folder
      es.client()
          .index(
              i ->
                  i.index("staging-check")
                      .id("f-1")
                      .document(Map.of("person_id", "p-1"))
                      .refresh(Refresh.True));
      assertThat(es.client().get(g -> g.index("staging-check").id("f-1"), Map.class).source())
          .containsEntry("person_id", "p-1");
      HttpResponse<String> health =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(es.httpUrl() + "/_cluster/health"))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).contains("\"cluster_name\":\"leaverwatch-embedded\"");
      if (EmbeddedElasticsearch.isRoot()) {
        for (long pid : pids) {
          assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().user()))
              .as("owner of pid %d", pid)
              .isPresent()
              .get()
              .isNotEqualTo("root");
        }
      }
      assertThat(staging.startsWith(home)).as("%s is under %s", staging, home).isFalse();
      // each recorded pid is recognisable on its own (start time and marker), the node's JVM too,
      // so that a later run stops it even if its launcher has died
      assertThat(
              ServiceProcess.stillRunning(dataDir.resolve("elasticsearch.pid")).stream()
                  .map(ProcessHandle::pid))
          .containsExactlyInAnyOrderElementsOf(pids);
      assertThat(dataDir.resolve("console.log")).isRegularFile();
    } finally {
      es.close();
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty();
    }
    assertThat(staging).doesNotExist();
    assertThat(dataDir.resolve("logs/leaverwatch-embedded.log")).isRegularFile();
    assertThat(dataDir.resolve("elasticsearch.pid")).doesNotExist();
    assertThat(dataDir.resolve(NodeStaging.POINTER)).doesNotExist();
  }

  private static Path copy(Path home, Path into) throws Exception {
    Path target = into.resolve(home.getFileName().toString());
    try (Stream<Path> files = Files.walk(home)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(home.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(to);
        } else {
          Files.copy(source, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return target;
  }

  private static void restore(String previous) {
    if (previous == null) {
      System.clearProperty("leaverwatch.elasticsearch.home");
    } else {
      System.setProperty("leaverwatch.elasticsearch.home", previous);
    }
  }
}
