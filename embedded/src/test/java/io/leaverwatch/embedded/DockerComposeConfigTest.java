package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code docker compose config} (or the stand-alone {@code docker-compose config}) validates the
 * stack without a Docker engine. Skipped when neither CLI is installed; .ci/run installs one.
 */
class DockerComposeConfigTest {
  private static final Path DOCKER = findDocker();

  @Test
  void theComposeFileIsValidForCompose() throws Exception {
    List<String> cmd = composeCommand();
    assumeTrue(cmd != null, "neither `docker compose` nor `docker-compose` is installed");
    Process p =
        new ProcessBuilder(
                concat(
                    cmd, List.of("--env-file", ".env", "-f", "docker-compose.yml", "config", "-q")))
            .directory(DOCKER.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("compose config finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("compose config output:%n%s", out).isZero();
  }

  private static List<String> composeCommand() throws InterruptedException {
    for (List<String> c : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      try {
        Process p =
            new ProcessBuilder(concat(c, List.of("version"))).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return c;
        }
      } catch (IOException e) {
        // not installed
      }
    }
    return null;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static Path findDocker() {
    for (Path c = Path.of("").toAbsolutePath(); c != null; c = c.getParent()) {
      if (Files.isRegularFile(c.resolve("docker/docker-compose.yml"))) {
        return c.resolve("docker");
      }
    }
    throw new IllegalStateException("docker/docker-compose.yml not found");
  }
}
