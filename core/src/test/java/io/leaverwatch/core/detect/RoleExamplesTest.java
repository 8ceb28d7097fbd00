package io.leaverwatch.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the inline {@code examples} of every role file through the detectors, Panther style: the
 * rule files carry their own positive and negative cases, and the build runs them.
 */
class RoleExamplesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TestFactory
  Stream<DynamicTest> everyRoleExampleHoldsAgainstTheDetectors() throws IOException {
    ActionClassifier classifier = ActionClassifier.load(Rules.dir());
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> files = Files.list(Rules.dir().resolve("roles"))) {
      for (Path f : files.sorted().toList()) {
        JsonNode role = YAML.readTree(f.toFile());
        for (JsonNode ex : role.path("examples")) {
          String name = f.getFileName() + ": " + ex.path("name").asText();
          tests.add(
              DynamicTest.dynamicTest(name, () -> run(role.path("role").asText(), ex, classifier)));
        }
      }
    }
    assertThat(tests).isNotEmpty();
    return tests.stream();
  }

  private static void run(String role, JsonNode ex, ActionClassifier classifier) {
    JsonNode dep = ex.path("departure");
    Departure d =
        Departure.newBuilder()
            .setPersonId("p-example")
            .setEmail("example@corp.example.com")
            .setRole(role)
            .setNoticeAt(
                dep.has("notice_at") ? Instant.parse(dep.path("notice_at").asText()) : null)
            .setDepartedAt(Instant.parse(dep.path("departed_at").asText()))
            .setStatus(DepartureStatus.DEPARTED)
            .build();
    JsonNode ev = ex.path("event");
    Source source = Source.valueOf(ev.path("source").asText());
    String action = ev.path("action").asText();
    ActionClass cls = classifier.classify(source, action, null);
    Instant at = Instant.parse(ev.path("at").asText());
    Principal person = principalOf(source);
    Events.E e = Events.event(source, action, cls, at).id("example-event");
    if ("target".equals(ev.path("role").asText())) {
      e.actor(Events.oktaUser("00uadmin", "admin@corp.example.com")).target(person);
    } else {
      e.actor(person);
    }
    if ("FAILURE".equals(ev.path("outcome").asText())) {
      e.failed("example failure");
    }
    InMemoryDetection detection =
        InMemoryDetection.bounded()
            .identity("p-example", "email", "example@corp.example.com")
            .identity("p-example", systemOf(source), identityOf(source))
            .departure(d)
            .events(e)
            .end(null);
    List<String> typesNamingTheEvent =
        detection.findings.values().stream()
            .filter(x -> x.getEventIds().contains("example-event"))
            .map(Finding::getType)
            .map(Enum::name)
            .toList();
    String expect = ex.path("expect").asText();
    if (expect.equals("NONE")) {
      assertThat(typesNamingTheEvent).as("findings naming the example event").isEmpty();
    } else {
      assertThat(typesNamingTheEvent).as("findings naming the example event").contains(expect);
    }
  }

  private static Principal principalOf(Source source) {
    switch (source) {
      case OKTA:
        return Events.oktaUser("00uexample", "example@corp.example.com");
      case GITHUB:
        return Events.githubUser("example-gh");
      default:
        return Events.iamUser("example");
    }
  }

  private static String systemOf(Source source) {
    switch (source) {
      case OKTA:
        return "okta";
      case GITHUB:
        return "github";
      default:
        return "aws";
    }
  }

  private static String identityOf(Source source) {
    switch (source) {
      case OKTA:
        return "00uexample";
      case GITHUB:
        return "example-gh";
      default:
        return "example";
    }
  }
}
