package io.leaverwatch.testkit.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.testkit.Pinned;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrgGeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = GeneratorConfig.DEFAULT_START;
  private static final String PINNED_ORG = "/pinned/org-seed7.sha256";

  @TempDir static Path tmp;
  static Path org;
  static GenerationSummary summary;

  static GeneratorConfig config(long seed, Path out) {
    return new GeneratorConfig(60, 6, 30, seed, START, 8, "corp.example.com", out);
  }

  @BeforeAll
  static void generate() throws IOException {
    org = tmp.resolve("seed7");
    summary = new OrgGenerator(config(7, org), line -> {}).run();
  }

  @Test
  void sameSeedWritesByteIdenticalFiles() throws IOException {
    Path again = tmp.resolve("seed7-again");
    new OrgGenerator(config(7, again), line -> {}).run();
    assertThat(digests(again)).isEqualTo(digests(org));
  }

  /**
   * This seed's organisation is pinned file by file: the incidents moved from code to {@code
   * incidents/incidents.yaml} without changing a byte, and a change to the generator or the file
   * that changes the output must be made on purpose (re-pin from the actual list written under
   * target/).
   */
  @Test
  void aFixedSeedWritesThePinnedOrganisation() throws IOException {
    List<String> actual = new ArrayList<>();
    digests(org).forEach((f, d) -> actual.add(d + "  " + f));
    Path written = Pinned.writeActual("pinned-org-seed7.actual.txt", actual);
    List<String> pinned = Pinned.lines(OrgGeneratorTest.class, PINNED_ORG);
    assertThat(pinned).as("%s on the test classpath", PINNED_ORG).isNotNull();
    assertThat(actual).as("file digests (actual list in %s)", written).isEqualTo(pinned);
  }

  @Test
  void differentSeedWritesADifferentOrganisation() throws IOException {
    Path other = tmp.resolve("seed8");
    new OrgGenerator(config(8, other), line -> {}).run();
    Map<String, String> a = digests(org);
    Map<String, String> b = digests(other);
    assertThat(b.get("departures.csv")).isNotEqualTo(a.get("departures.csv"));
    assertThat(b.get("okta/system-log-2026-10-01.ndjson"))
        .isNotEqualTo(a.get("okta/system-log-2026-10-01.ndjson"));
  }

  @Test
  void groundTruthListsEveryFindingTypeWithItsSource() throws IOException {
    Set<String> triples = new HashSet<>();
    for (JsonNode f : ndjson(org.resolve("ground-truth.ndjson"))) {
      assertThat(f.get("person_id").asText()).matches("p\\d{5}");
      assertThat(f.get("incident").asText()).isNotBlank();
      triples.add(f.get("type").asText() + ":" + f.get("source").asText(null));
    }
    assertThat(triples)
        .contains(
            "POST_DEPARTURE_ACTIVITY:OKTA",
            "POST_DEPARTURE_ACTIVITY:GITHUB",
            "POST_DEPARTURE_ACTIVITY:CLOUDTRAIL",
            "POST_DEPARTURE_ACTIVITY:DYNAMODB",
            "RETAINED_ACCESS:OKTA",
            "RETAINED_ACCESS:GITHUB",
            "RETAINED_ACCESS:CLOUDTRAIL",
            "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE:CLOUDTRAIL",
            "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE:GITHUB",
            "OUT_OF_WORKFLOW_CREDENTIAL_CHANGE:OKTA",
            "SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT:CLOUDTRAIL",
            "SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT:GITHUB",
            "KNOWN_IP_ACCESS_ATTEMPT:OKTA",
            "OFFBOARDING_INCOMPLETE:null");
    assertThat(summary.incidents()).containsKeys("RESCINDED", "GRACE_ACTIVITY");
  }

  @Test
  void departuresAndIdentitiesHaveTheExactHeadersAndParse() throws IOException {
    List<String> dep = Files.readAllLines(org.resolve("departures.csv"));
    assertThat(dep.get(0)).isEqualTo("person_id,email,role,notice_at,departed_at,status");
    assertThat(dep).hasSize(31);
    Set<String> statuses = new HashSet<>();
    Instant lastAllowed = START.plusSeconds(3 * 86_400);
    for (String row : dep.subList(1, dep.size())) {
      String[] c = row.split(",", -1);
      assertThat(c).hasSize(6);
      assertThat(c[1]).endsWith("@corp.example.com");
      Instant departed = Instant.parse(c[4]);
      assertThat(departed).isBefore(lastAllowed).isAfter(START.plusSeconds(86_400));
      if (!c[3].isEmpty()) {
        assertThat(Instant.parse(c[3])).isBefore(departed);
      }
      statuses.add(c[5]);
    }
    assertThat(statuses).containsExactlyInAnyOrder("DEPARTED", "RESCINDED");

    List<String> ids = Files.readAllLines(org.resolve("identities.csv"));
    assertThat(ids.get(0)).isEqualTo("person_id,system,identity");
    Map<String, Set<String>> systemsByPerson = new TreeMap<>();
    for (String row : ids.subList(1, ids.size())) {
      String[] c = row.split(",", -1);
      assertThat(c).hasSize(3);
      assertThat(c[1]).isIn("okta", "email", "github", "aws");
      if (c[1].equals("okta")) {
        assertThat(c[2]).matches("00u[A-Za-z0-9]{17}");
      }
      systemsByPerson.computeIfAbsent(c[0], k -> new HashSet<>()).add(c[1]);
    }
    assertThat(systemsByPerson).hasSize(60);
    assertThat(systemsByPerson.values()).anyMatch(s -> !s.contains("github"));
    assertThat(systemsByPerson.values()).anyMatch(s -> !s.contains("aws"));
    assertThat(systemsByPerson.values()).anyMatch(s -> s.contains("aws"));
  }

  @Test
  void everyFileIsValidJsonInItsNativeShape() throws IOException {
    long okta = 0;
    long github = 0;
    long trail = 0;
    long dynamo = 0;
    for (Path f : files(org)) {
      String name = org.relativize(f).toString();
      if (name.startsWith("okta/")) {
        for (JsonNode e : ndjson(f)) {
          assertThat(e.get("uuid").asText()).hasSize(36);
          assertThat(e.get("actor").get("alternateId").isTextual()).isTrue();
          assertThat(e.get("client").get("ipAddress").isTextual()).isTrue();
          assertThat(e.get("outcome").get("result").asText()).isIn("SUCCESS", "FAILURE");
          Instant.parse(e.get("published").asText());
          okta++;
        }
      } else if (name.startsWith("github/")) {
        for (JsonNode e : ndjson(f)) {
          assertThat(e.get("@timestamp").isIntegralNumber()).isTrue();
          assertThat(e.get("created_at").isIntegralNumber()).isTrue();
          assertThat(e.get("_document_id").asText()).hasSize(22);
          assertThat(e.get("actor").isTextual()).isTrue();
          github++;
        }
      } else if (name.startsWith("cloudtrail/")) {
        assertThat(name)
            .matches(
                "cloudtrail/AWSLogs/123456789012/CloudTrail/us-(east-1|west-2)/\\d{4}/\\d{2}/\\d{2}/"
                    + "123456789012_CloudTrail_us-(east-1|west-2)_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}"
                    + "\\.json\\.gz");
        JsonNode file;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
          file = JSON.readTree(in);
        }
        assertThat(file.fieldNames()).toIterable().containsExactly("Records");
        for (JsonNode e : file.get("Records")) {
          assertThat(e.get("userIdentity").get("type").asText()).isIn("IAMUser", "AssumedRole");
          assertThat(e.get("eventTime").asText())
              .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
          assertThat(e.get("recipientAccountId").asText()).isEqualTo("123456789012");
          if (e.get("eventSource").asText().equals("dynamodb.amazonaws.com")) {
            assertThat(e.get("eventCategory").asText()).isEqualTo("Data");
            assertThat(e.get("managementEvent").asBoolean()).isFalse();
            assertThat(e.get("resources").get(0).get("type").asText())
                .isEqualTo("AWS::DynamoDB::Table");
            dynamo++;
          }
          trail++;
        }
      }
    }
    assertThat(okta).isEqualTo(summary.eventsBySource().get("OKTA")).isPositive();
    assertThat(github).isEqualTo(summary.eventsBySource().get("GITHUB")).isPositive();
    assertThat(dynamo).isEqualTo(summary.eventsBySource().get("DYNAMODB")).isPositive();
    assertThat(trail).isEqualTo(dynamo + summary.eventsBySource().get("CLOUDTRAIL"));
    for (JsonNode grant : ndjson(org.resolve("access.ndjson"))) {
      assertThat(grant.get("system").asText()).isIn("okta", "github", "aws");
      assertThat(grant.get("grant").asText())
          .matches("okta_user|org_member:acme-corp|access_key:AKIA[A-Z2-7]{16}|login_profile");
      assertThat(grant.get("observed_at").asText()).endsWith("T23:00:00Z");
    }
    JsonNode manifest = JSON.readTree(org.resolve("manifest.json").toFile());
    assertThat(manifest.get("parameters").get("seed").asLong()).isEqualTo(7);
  }

  @Test
  void cleanLeaversStopActingAtDepartureAndTheirGrantsDisappear() throws IOException {
    Map<String, String[]> departed = new HashMap<>();
    for (String row : Files.readAllLines(org.resolve("departures.csv")).subList(1, 31)) {
      String[] c = row.split(",", -1);
      departed.put(c[1], c);
    }
    Set<String> withFindings =
        ndjson(org.resolve("ground-truth.ndjson")).stream()
            .map(f -> f.get("person_id").asText())
            .collect(Collectors.toSet());
    Set<String> exempt = new HashSet<>(withFindings);
    exempt.addAll(summary.incidents().getOrDefault("GRACE_ACTIVITY", List.of()));
    // Okta: no clean, departed person signs in after departed_at
    for (Path f : files(org.resolve("okta"))) {
      for (JsonNode e : ndjson(f)) {
        String[] d = departed.get(e.get("actor").get("alternateId").asText());
        if (d == null || !d[5].equals("DEPARTED") || exempt.contains(d[0])) {
          continue;
        }
        assertThat(Instant.parse(e.get("published").asText())).isBefore(Instant.parse(d[4]));
      }
    }
    // Snapshots: after the last departure + 1 day, no clean leaver's Okta user is listed
    Set<String> cleanOktaIds = new HashSet<>();
    Map<String, String> oktaIdOf = new HashMap<>();
    for (String row : Files.readAllLines(org.resolve("identities.csv"))) {
      String[] c = row.split(",", -1);
      if (c[1].equals("okta")) {
        oktaIdOf.put(c[0], c[2]);
      }
    }
    for (String[] d : departed.values()) {
      if (d[5].equals("DEPARTED") && !exempt.contains(d[0])) {
        cleanOktaIds.add(oktaIdOf.get(d[0]));
      }
    }
    assertThat(cleanOktaIds).isNotEmpty();
    String lastSnapshot = START.plusSeconds(5 * 86_400 + 23 * 3600).toString();
    for (JsonNode g : ndjson(org.resolve("access.ndjson"))) {
      if (g.get("observed_at").asText().equals(lastSnapshot)) {
        assertThat(cleanOktaIds).doesNotContain(g.get("identity").asText());
      }
    }
  }

  @Test
  void normalisersAcceptEveryGeneratedEvent() {
    Path rules = rulesDir();
    EventNormalizer normalizer = new EventNormalizer(ActionClassifier.load(rules));
    long events = 0;
    List<String> rejected = new ArrayList<>();
    try (RecordReader r =
        RecordReader.open(
            List.of(org.resolve("okta"), org.resolve("github"), org.resolve("cloudtrail")),
            Clock.fixed(START, ZoneOffset.UTC))) {
      while (r.hasNext()) {
        ReadItem item = r.next();
        assertThat(item).isInstanceOf(ReadItem.Record.class);
        for (Normalization n : normalizer.normalize(((ReadItem.Record) item).record())) {
          if (n instanceof Normalization.Rejection rej) {
            rejected.add(rej.reason() + " @ " + rej.origin() + " " + rej.cursor());
          } else {
            events++;
          }
        }
      }
    }
    assertThat(rejected).isEmpty();
    assertThat(events).isEqualTo(summary.totalEvents());
  }

  @Test
  void badParametersAreRejectedWithTheirName() {
    assertThatThrownBy(() -> new GeneratorConfig(5, 6, 3, 1, START, 8, "corp.example.com", tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--people");
    assertThatThrownBy(() -> new GeneratorConfig(60, 4, 3, 1, START, 8, "corp.example.com", tmp))
        .hasMessageContaining("--days");
    assertThatThrownBy(() -> new GeneratorConfig(60, 10, 58, 1, START, 8, "corp.example.com", tmp))
        .hasMessageContaining("--departures");
    assertThatThrownBy(
            () ->
                new GeneratorConfig(
                    60, 10, 5, 1, START.plusSeconds(3600), 8, "corp.example.com", tmp))
        .hasMessageContaining("--start");
    assertThatThrownBy(() -> new GeneratorConfig(60, 10, 5, 1, START, 8, "Not A Domain", tmp))
        .hasMessageContaining("--domain");
  }

  static Path rulesDir() {
    String p = System.getProperty("leaverwatch.rules");
    return p != null && Files.isDirectory(Path.of(p)) ? Path.of(p) : Path.of("..", "rules");
  }

  static List<JsonNode> ndjson(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static Map<String, String> digests(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (Path f : files(dir)) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        out.put(
            dir.relativize(f).toString(),
            java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(f))));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }
}
