package io.leaverwatch.jobs.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.embedded.EmbeddedElasticsearch;
import io.leaverwatch.embedded.EmbeddedKafka;
import io.leaverwatch.embedded.RunTopics;
import io.leaverwatch.embedded.SharedEmbeddedServices;
import io.leaverwatch.embedded.TopicOffsets;
import io.leaverwatch.ingest.files.FilePublisher;
import io.leaverwatch.ingest.sink.KafkaRecordSink;
import io.leaverwatch.jobs.pipeline.PipelineConfig;
import io.leaverwatch.jobs.pipeline.StreamingPipeline;
import io.leaverwatch.jobs.sink.IndexTemplates;
import io.leaverwatch.testkit.generate.GeneratorConfig;
import io.leaverwatch.testkit.generate.OrgGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Lens panel of the two dashboards, run for real: a seeded organisation goes through the
 * demo's path (ingest publisher → Kafka → the streaming job on a Flink MiniCluster →
 * Elasticsearch), then each panel's aggregation, built from its saved object by {@link LensPanel},
 * runs against the node, and its table must equal the one computed here by hand, for what the
 * panel's title says, from the documents read back. A panel with a wrong field, query, filter,
 * order or missing bucket shows other numbers and fails; a panel without a hand-made expectation
 * fails too.
 *
 * <p>The alert dispatcher is not in this pipeline: the test writes the delivery documents of the
 * findings it read back (PagerDuty for HIGH and CRITICAL, Slack for a third, one dead-lettered and
 * one failing), in the {@code <prefix>-alerts} shape, and a few dead letters in the shape the
 * Elasticsearch sink writes for documents it refused.
 */
class LensPanelsITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DASHBOARDS = Path.of("../dashboards/kibana");
  private static final String M = LensPanel.MISSING;
  private static final long DAY = 86_400_000L;
  private static final Duration CONSUMED_WITHIN = Duration.ofSeconds(180);

  /** The step states whose deadline has passed: every one but PENDING (OffboardingStepStatus). */
  private static final List<String> DUE = List.of("ON_TIME", "LATE", "MISSING", "FAILED");

  @TempDir Path tmp;

  /** A metric Elasticsearch estimates (percentiles): the value must lie between two samples. */
  record Bounds(double low, double high) {}

  /** One bucket column of an expected table: its keys per document and how many are kept. */
  record Level(
      String column,
      Function<JsonNode, List<String>> keys,
      int size,
      Function<List<JsonNode>, Double> order) {}

  @Test
  void everyPanelShowsTheBucketsOfTheFindingsTheDemoPipelineWrote() throws Exception {
    String run = "lens" + UUID.randomUUID().toString().substring(0, 8);
    EmbeddedElasticsearch es = SharedEmbeddedServices.elasticsearch();
    GeneratorConfig org = loadThroughThePipeline(run, es);

    Map<String, List<JsonNode>> docs = new HashMap<>();
    for (String name : List.of("findings", "steps")) {
      docs.put(name, readAll(es, run + "-" + name));
    }
    assertThat(docs.get("findings")).as("findings in Elasticsearch").isNotEmpty();
    assertThat(docs.get("steps")).as("step statuses in Elasticsearch").isNotEmpty();
    bulk(es, run + "-alerts", deliveries(docs.get("findings")));
    bulk(es, run + "-dlq", sinkDeadLetters(run));
    docs.put("alerts", readAll(es, run + "-alerts"));
    docs.put("dlq", readAll(es, run + "-dlq"));

    Map<String, JsonNode> objects = savedObjects();
    Map<String, JsonNode> dataViews = new HashMap<>();
    objects.forEach(
        (k, o) -> {
          if (k.startsWith("index-pattern/")) {
            dataViews.put(o.path("id").asText(), o);
          }
        });
    Instant from = org.start().minus(Duration.ofDays(30));
    Instant to = Instant.now().plus(Duration.ofDays(1));
    String interval = autoInterval(from, to);
    String person = personToLookAt(docs);

    Map<String, List<Map<String, Object>>> expected =
        expectedTables(docs, person, from.toEpochMilli(), to.toEpochMilli(), interval);
    List<String> panelsRun = new ArrayList<>();
    Map<String, List<Map<String, Object>>> shown = new HashMap<>();
    List<String> failures = new ArrayList<>();
    for (String dashboard : List.of("leaverwatch-offboarding", "leaverwatch-one-departure")) {
      JsonNode d = objects.get("dashboard/" + dashboard);
      List<JsonNode> controls = controlFilters(d, person);
      for (JsonNode p : JSON.readTree(d.path("attributes").path("panelsJSON").asText())) {
        LensPanel panel = new LensPanel(p, dataViews);
        panelsRun.add(panel.panelId);
        try {
          ObjectNode body = panel.request(controls, from, to, interval);
          JsonNode response = search(es, panel.index(run), body);
          List<Map<String, Object>> rows = panel.rows(response);
          shown.put(panel.panelId, rows);
          System.err.printf(
              "panel %s \"%s\" on %s: %d rows%n",
              panel.panelId, panel.title, dashboard, rows.size());
          rows.forEach(r -> System.err.println("    " + r));
          assertThat(expected)
              .as("an expected table for panel %s (%s)", panel.panelId, panel.title)
              .containsKey(panel.panelId);
          assertSameTable(panel, rows, expected.get(panel.panelId), body);
        } catch (AssertionError | RuntimeException e) {
          // every panel is run, so that one failure names all the broken panels
          failures.add(panel.panelId + ": " + e.getMessage());
        }
      }
    }
    assertThat(failures).as("panels whose table differs from the findings").isEmpty();
    assertThat(panelsRun).containsExactlyInAnyOrderElementsOf(expected.keySet());
    assertSlaMetIsOnTimeOverDue(shown.get("off-sla-pct"), docs.get("steps"), from, to);
  }

  /**
   * The figure an auditor checks by hand: "SLA met %" is the due steps done on time over all due
   * steps, from the step documents themselves. The organisation must have steps both on time and
   * not, or a panel dividing the wrong counts could still show 0 % or 100 % and pass.
   */
  private static void assertSlaMetIsOnTimeOverDue(
      List<Map<String, Object>> rows, List<JsonNode> allSteps, Instant from, Instant to) {
    List<JsonNode> steps = inRange(allSteps, "@timestamp", from.toEpochMilli(), to.toEpochMilli());
    long onTime = steps.stream().filter(s -> "ON_TIME".equals(text(s, "status"))).count();
    long due = steps.stream().filter(s -> DUE.contains(text(s, "status"))).count();
    assertThat(onTime).as("on-time steps").isPositive();
    assertThat(due).as("due steps, some not on time").isGreaterThan(onTime);
    assertThat(rows).as("the SLA met % panel shows one number").hasSize(1);
    Double shownValue = (Double) rows.get(0).get("c-sla");
    System.err.printf(
        "SLA met %%: panel %.4f, steps %d on time of %d due = %.4f%n",
        shownValue, onTime, due, (double) onTime / due);
    assertThat(shownValue)
        .as("SLA met %%: %d on time of %d due steps", onTime, due)
        .isCloseTo((double) onTime / due, within(1e-9));
  }

  // ------------------------------------------------------------------ expectations, by hand

  private static Map<String, List<Map<String, Object>>> expectedTables(
      Map<String, List<JsonNode>> all, String person, long from, long to, String interval) {
    List<JsonNode> findings = inRange(all.get("findings"), "@timestamp", from, to);
    List<JsonNode> steps = inRange(all.get("steps"), "@timestamp", from, to);
    List<JsonNode> alerts = inRange(all.get("alerts"), "delivered_at", from, to);
    List<JsonNode> dlq = inRange(all.get("dlq"), "@timestamp", from, to);
    long every = intervalMillis(interval);
    Map<String, List<Map<String, Object>>> t = new LinkedHashMap<>();

    List<JsonNode> open = where(findings, f -> !"RESOLVED".equals(text(f, "status")));
    t.put(
        "off-types",
        table(
            open,
            List.of(byCount("c-type", key("type"), 10), byCount("c-sev", key("severity"), 5)),
            Map.of("c-count", LensPanelsITCase::count)));
    t.put(
        "off-time",
        table(
            findings,
            List.of(
                byCount("c-date", day("@timestamp", every), Integer.MAX_VALUE),
                byCount("c-type", key("type"), 10)),
            Map.of("c-count", LensPanelsITCase::count)));
    t.put(
        "off-retained",
        table(
            where(open, f -> "RETAINED_ACCESS".equals(text(f, "type"))),
            List.of(
                byCount("c-person", key("person_id"), 20), byCount("c-source", key("source"), 5)),
            Map.of("c-count", LensPanelsITCase::count)));
    List<JsonNode> revoked = where(steps, s -> s.path("time_to_revoke_ms").asLong(-1) >= 0);
    t.put(
        "off-ttr",
        table(
            revoked,
            List.of(new Level("c-sys", key("system"), 5, g -> exactPercentile(g, 50))),
            Map.of(
                "c-median", g -> percentileBounds(g, 50),
                "c-p95", g -> percentileBounds(g, 95))));
    t.put(
        "off-sla",
        table(
            where(steps, s -> !"PENDING".equals(text(s, "status"))),
            List.of(byCount("c-sys", key("system"), 5), byCount("c-status", key("status"), 5)),
            Map.of("c-count", LensPanelsITCase::count)));
    // one figure: the formula's hidden parts (on time, due, their quotient) and the formula itself
    double onTime = where(steps, s -> "ON_TIME".equals(text(s, "status"))).size();
    double due = where(steps, s -> DUE.contains(text(s, "status"))).size();
    Map<String, Object> sla = new LinkedHashMap<>();
    sla.put("c-slaX0", onTime);
    sla.put("c-slaX1", due);
    sla.put("c-slaX2", due == 0 ? null : onTime / due);
    sla.put("c-sla", due == 0 ? null : onTime / due);
    t.put("off-sla-pct", List.of(sla));
    Function<List<JsonNode>, Double> events = g -> sum(g, "event_count");
    t.put(
        "off-leavers",
        table(
            where(findings, f -> "POST_DEPARTURE_ACTIVITY".equals(text(f, "type"))),
            List.of(new Level("c-person", key("person_id"), 10, events)),
            Map.of("c-events", events::apply)));
    // every dead letter by its reason, whether or not it names a source
    t.put(
        "off-dlq",
        table(
            dlq,
            List.of(
                byCount("c-err", key("error_type"), 10),
                byCount("c-src", keyOrMissing("source"), 5)),
            Map.of("c-count", LensPanelsITCase::count)));
    t.put(
        "off-alerts",
        table(
            alerts,
            List.of(
                byCount("c-date", day("delivered_at", every), Integer.MAX_VALUE),
                byCount("c-channel", key("channel"), 5)),
            Map.of("c-count", LensPanelsITCase::count)));
    t.put(
        "off-alert-outcomes",
        table(
            alerts,
            List.of(
                byCount("c-channel", key("channel"), 5), byCount("c-outcome", key("outcome"), 5)),
            Map.of("c-count", LensPanelsITCase::count)));

    List<JsonNode> theirSteps = where(steps, s -> person.equals(text(s, "person_id")));
    List<JsonNode> theirFindings = where(findings, f -> person.equals(text(f, "person_id")));
    // every step of theirs, done or not: a missing step has no one who completed it
    Function<List<JsonNode>, Double> ttr = g -> max(g, "time_to_revoke_ms");
    t.put(
        "one-steps",
        table(
            theirSteps,
            List.of(
                new Level("c-sys", key("system"), 5, ttr),
                new Level("c-step", key("step_id"), 10, ttr),
                new Level("c-status", key("status"), 5, ttr),
                new Level("c-by", keyOrMissing("completed_by"), 3, ttr)),
            Map.of("c-ttr", ttr::apply)));
    t.put(
        "one-findings",
        table(
            theirFindings,
            List.of(
                byCount("c-type", key("type"), 10),
                byCount("c-sev", key("severity"), 5),
                byCount("c-rule", key("rule_id"), 10)),
            Map.of("c-count", LensPanelsITCase::count, "c-events", events::apply)));
    t.put(
        "one-evidence",
        table(
            theirFindings,
            List.of(byCount("c-type", key("type"), 10), byCount("c-ev", key("event_ids"), 50)),
            Map.of("c-count", LensPanelsITCase::count)));
    t.put(
        "one-step-evidence",
        table(
            theirSteps,
            List.of(
                byCount("c-step", key("step_id"), 10),
                byCount("c-ev", key("evidence_event_ids"), 50)),
            Map.of("c-count", LensPanelsITCase::count)));
    return t;
  }

  private static Level byCount(String column, Function<JsonNode, List<String>> keys, int size) {
    return new Level(column, keys, size, g -> (double) g.size());
  }

  /**
   * Groups level by level, keeping at each the {@code size} groups ranking highest by the level's
   * order (ties by key, as Elasticsearch breaks them), and computes the metrics of each last group.
   */
  private static List<Map<String, Object>> table(
      List<JsonNode> docs, List<Level> levels, Map<String, Function<List<JsonNode>, Object>> m) {
    List<Map<String, Object>> out = new ArrayList<>();
    group(docs, levels, 0, new LinkedHashMap<>(), m, out);
    return out;
  }

  private static void group(
      List<JsonNode> docs,
      List<Level> levels,
      int depth,
      Map<String, Object> keys,
      Map<String, Function<List<JsonNode>, Object>> metrics,
      List<Map<String, Object>> out) {
    Level level = levels.get(depth);
    Map<String, List<JsonNode>> groups = new TreeMap<>();
    for (JsonNode d : docs) {
      for (String k : level.keys().apply(d)) {
        groups.computeIfAbsent(k, x -> new ArrayList<>()).add(d);
      }
    }
    Comparator<Map.Entry<String, List<JsonNode>>> byOrder =
        Comparator.comparing(
            e -> Objects.requireNonNullElse(level.order().apply(e.getValue()), -Double.MAX_VALUE));
    List<Map.Entry<String, List<JsonNode>>> ranked =
        groups.entrySet().stream()
            .sorted(byOrder.reversed().thenComparing(Map.Entry::getKey))
            .limit(level.size())
            .collect(Collectors.toList());
    for (Map.Entry<String, List<JsonNode>> g : ranked) {
      Map<String, Object> row = new LinkedHashMap<>(keys);
      row.put(level.column(), g.getKey());
      if (depth + 1 < levels.size()) {
        group(g.getValue(), levels, depth + 1, row, metrics, out);
      } else {
        metrics.forEach((col, f) -> row.put(col, f.apply(g.getValue())));
        out.add(row);
      }
    }
  }

  private static Function<JsonNode, List<String>> key(String field) {
    return d -> {
      JsonNode v = d.path(field);
      List<String> out = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(x -> out.add(x.asText()));
      } else if (!v.isMissingNode() && !v.isNull()) {
        out.add(v.asText());
      }
      return out;
    };
  }

  private static Function<JsonNode, List<String>> keyOrMissing(String field) {
    return d -> {
      List<String> keys = key(field).apply(d);
      return keys.isEmpty() ? List.of(M) : keys;
    };
  }

  private static Function<JsonNode, List<String>> day(String field, long every) {
    return d -> {
      long t = Instant.parse(d.path(field).asText()).toEpochMilli();
      return List.of(Instant.ofEpochMilli(Math.floorDiv(t, every) * every).toString());
    };
  }

  private static Object count(List<JsonNode> g) {
    return (double) g.size();
  }

  private static Double sum(List<JsonNode> g, String field) {
    return g.stream().mapToDouble(d -> d.path(field).asDouble()).sum();
  }

  private static Double max(List<JsonNode> g, String field) {
    return g.stream()
        .filter(d -> d.path(field).isNumber())
        .mapToDouble(d -> d.path(field).asDouble())
        .boxed()
        .max(Double::compare)
        .orElse(null);
  }

  private static double[] sorted(List<JsonNode> g, String field) {
    return g.stream()
        .filter(d -> d.path(field).isNumber())
        .mapToDouble(d -> d.path(field).asDouble())
        .sorted()
        .toArray();
  }

  private static Double exactPercentile(List<JsonNode> g, double q) {
    double[] v = sorted(g, "time_to_revoke_ms");
    return v.length == 0 ? null : v[(int) Math.min(v.length - 1, Math.floor(q / 100 * v.length))];
  }

  /** Between the samples either side of the rank: how far a t-digest estimate may stray. */
  private static Object percentileBounds(List<JsonNode> g, double q) {
    double[] v = sorted(g, "time_to_revoke_ms");
    double rank = q / 100 * v.length;
    int low = (int) Math.max(0, Math.floor(rank) - 1);
    int high = (int) Math.min(v.length - 1, Math.ceil(rank));
    return new Bounds(v[low], v[high]);
  }

  private static List<JsonNode> where(
      List<JsonNode> docs, java.util.function.Predicate<JsonNode> p) {
    return docs.stream().filter(p).collect(Collectors.toList());
  }

  private static List<JsonNode> inRange(List<JsonNode> docs, String field, long from, long to) {
    return where(
        docs,
        d -> {
          if (!d.hasNonNull(field)) {
            return false;
          }
          long t = Instant.parse(d.path(field).asText()).toEpochMilli();
          return t >= from && t <= to;
        });
  }

  private static String text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void assertSameTable(
      LensPanel panel,
      List<Map<String, Object>> actual,
      List<Map<String, Object>> expected,
      JsonNode body) {
    List<String> keyColumns = panel.buckets.stream().map(LensPanel.Column::id).toList();
    Map<List<Object>, Map<String, Object>> byKeyActual = byKeys(actual, keyColumns);
    Map<List<Object>, Map<String, Object>> byKeyExpected = byKeys(expected, keyColumns);
    String where = "panel " + panel.panelId + " (" + panel.title + "), search " + body;
    assertThat(expected).as("%s: the expectation has rows", panel.panelId).isNotEmpty();
    assertThat(byKeyActual.keySet())
        .as("%s: its buckets", where)
        .containsExactlyInAnyOrderElementsOf(byKeyExpected.keySet());
    for (Map.Entry<List<Object>, Map<String, Object>> e : byKeyExpected.entrySet()) {
      Map<String, Object> got = byKeyActual.get(e.getKey());
      for (LensPanel.Column m : panel.metrics) {
        Object want = e.getValue().get(m.id());
        Object value = got.get(m.id());
        String what = where + " bucket " + e.getKey() + " column " + m.id();
        if (want instanceof Bounds b) {
          assertThat((Double) value).as(what).isBetween(b.low(), b.high());
        } else if (want == null) {
          assertThat(value).as(what).isNull();
        } else {
          assertThat((Double) value).as(what).isCloseTo((Double) want, within(1e-6));
        }
      }
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  private static Map<List<Object>, Map<String, Object>> byKeys(
      List<Map<String, Object>> rows, List<String> keyColumns) {
    Map<List<Object>, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> r : rows) {
      List<Object> k = new ArrayList<>();
      keyColumns.forEach(c -> k.add(r.get(c)));
      assertThat(out.put(k, r)).as("one row per bucket %s", k).isNull();
    }
    return out;
  }

  // ------------------------------------------------------------------ the dashboard around panels

  /** The person the one-departure dashboard is looked at for: one with a step not done, if any. */
  private static String personToLookAt(Map<String, List<JsonNode>> docs) {
    Map<String, Long> findingsPer =
        docs.get("findings").stream()
            .collect(Collectors.groupingBy(f -> text(f, "person_id"), Collectors.counting()));
    return docs.get("steps").stream()
        .filter(s -> List.of("MISSING", "FAILED").contains(text(s, "status")))
        .map(s -> text(s, "person_id"))
        .distinct()
        .max(
            Comparator.comparing((String p) -> findingsPer.getOrDefault(p, 0L))
                .thenComparing(Comparator.reverseOrder()))
        .orElseGet(
            () ->
                findingsPer.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey());
  }

  /** The dashboard's controls with a selection made: each an exact filter on its field. */
  private static List<JsonNode> controlFilters(JsonNode dashboard, String value) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JsonNode controls = dashboard.path("attributes").path("controlGroupInput");
    if (controls.isMissingNode()) {
      return out;
    }
    for (JsonNode c : JSON.readTree(controls.path("panelsJSON").asText())) {
      assertThat(c.path("type").asText()).isEqualTo("optionsListControl");
      ObjectNode q = JSON.createObjectNode();
      q.putObject("match_phrase").put(c.path("explicitInput").path("fieldName").asText(), value);
      out.add(q);
    }
    return out;
  }

  /** Kibana's auto interval, simplified: the first of these giving at most 100 bars. */
  private static String autoInterval(Instant from, Instant to) {
    long span = to.toEpochMilli() - from.toEpochMilli();
    for (String i : List.of("1h", "3h", "12h", "1d", "7d", "30d")) {
      if (span / intervalMillis(i) <= 100) {
        return i;
      }
    }
    return "365d";
  }

  private static long intervalMillis(String i) {
    long n = Long.parseLong(i.substring(0, i.length() - 1));
    return switch (i.charAt(i.length() - 1)) {
      case 'h' -> n * 3_600_000L;
      case 'd' -> n * DAY;
      default -> throw new IllegalArgumentException(i);
    };
  }

  private static Map<String, JsonNode> savedObjects() throws Exception {
    assumeTrue(Files.isDirectory(DASHBOARDS), "dashboards folder not found: " + DASHBOARDS);
    Map<String, JsonNode> out = new HashMap<>();
    try (var files = Files.list(DASHBOARDS)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            JsonNode o = JSON.readTree(line);
            out.put(o.path("type").asText() + "/" + o.path("id").asText(), o);
          }
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ documents the test writes

  /** What the dispatcher would have recorded for these findings (it is not in this pipeline). */
  private static List<ObjectNode> deliveries(List<JsonNode> findings) {
    List<JsonNode> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing(f -> text(f, "finding_id")));
    List<ObjectNode> out = new ArrayList<>();
    boolean deadLettered = false;
    boolean failing = false;
    for (int i = 0; i < sorted.size(); i++) {
      JsonNode f = sorted.get(i);
      Instant at = Instant.parse(text(f, "last_seen")).plusSeconds(30);
      boolean resolved = "RESOLVED".equals(text(f, "status"));
      if (List.of("HIGH", "CRITICAL").contains(text(f, "severity"))) {
        out.add(
            delivery(
                f, "pagerduty:offboarding", "pagerduty", resolved ? "resolve" : "trigger", at));
      }
      if (i % 3 == 0) {
        ObjectNode d = delivery(f, "slack:#offboarding", "slack", resolved ? "update" : "post", at);
        if (!deadLettered) {
          d.put("last_action", "dead_letter").put("outcome", "dead_lettered");
          deadLettered = true;
        } else if (!failing) {
          d.put("outcome", "failing").put("attempts", 4);
          failing = true;
        }
        out.add(d);
      }
    }
    return out;
  }

  private static ObjectNode delivery(
      JsonNode f, String receiver, String channel, String action, Instant at) {
    ObjectNode d = JSON.createObjectNode();
    d.put("_id", text(f, "finding_id") + "|" + receiver);
    d.put("finding_id", text(f, "finding_id"));
    d.put("receiver", receiver);
    d.put("channel", channel);
    d.put("type", text(f, "type"));
    d.put("severity", text(f, "severity"));
    d.put("status", text(f, "status"));
    d.put("revision", f.path("revision").asLong());
    d.put("last_action", action);
    d.put("outcome", "delivered");
    d.put("attempts", 1);
    d.put("delivered_at", at.toString());
    d.put("person_id", text(f, "person_id"));
    return d;
  }

  /** Dead letters as ElasticsearchSinkWriter writes them for documents refused for good. */
  private static List<ObjectNode> sinkDeadLetters(String prefix) {
    List<ObjectNode> out = new ArrayList<>();
    String[][] refused = {
      {"findings", "document_parsing_exception"},
      {"findings", "document_parsing_exception"},
      {"steps", "strict_dynamic_mapping_exception"}
    };
    for (int i = 0; i < refused.length; i++) {
      ObjectNode d = JSON.createObjectNode();
      d.put("_id", "dl-" + i);
      d.put("@timestamp", Instant.now().toString());
      d.put("dead_letter_id", "dl-" + i);
      d.put("reason", refused[i][1] + ": failed to parse field [details]");
      d.put("error_type", refused[i][1]);
      d.put("http_status", 400);
      d.put("document_index", prefix + "-" + refused[i][0]);
      d.put("document_id", "doc-" + i);
      d.put("document_version", 2L + i);
      d.putObject("document").put("finding_id", "doc-" + i);
      out.add(d);
    }
    return out;
  }

  // ------------------------------------------------------------------ the pipeline and the node

  private GeneratorConfig loadThroughThePipeline(String run, EmbeddedElasticsearch es)
      throws Exception {
    Path rules = Path.of("../rules").toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(rules), "rules directory not found: " + rules);
    EmbeddedKafka kafka = SharedEmbeddedServices.kafka();
    Map<String, String> topics = RunTopics.create(kafka, run);
    IndexTemplates.install(es.client(), run);

    Path orgDir = tmp.resolve("org");
    GeneratorConfig org =
        new GeneratorConfig(
            150,
            12,
            40,
            13,
            GeneratorConfig.DEFAULT_START,
            GeneratorConfig.DEFAULT_EVENTS_PER_DAY,
            GeneratorConfig.DEFAULT_DOMAIN,
            orgDir);
    new OrgGenerator(org, line -> {}).run();

    Map<String, String> env = new HashMap<>();
    env.put("LEAVERWATCH_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("LEAVERWATCH_KAFKA_GROUP_ID", run + "-detection");
    env.put("LEAVERWATCH_KAFKA_TRANSACTIONAL_ID_PREFIX", run + "-findings");
    topics.forEach((k, v) -> env.put(PipelineConfig.envName("topics." + k), v));
    env.put("LEAVERWATCH_ES_URLS", es.httpUrl());
    env.put("LEAVERWATCH_ES_INDEX_PREFIX", run);
    env.put("LEAVERWATCH_CHECKPOINT_INTERVAL", "1s");
    // as the demo: files replay a day at a time, so deadlines wait a day for late events
    env.put("LEAVERWATCH_MAX_OUT_OF_ORDERNESS", "26h");
    env.put("LEAVERWATCH_CHECKPOINT_DIR", tmp.resolve("checkpoints").toUri().toString());
    PipelineConfig cfg = PipelineConfig.load(null, env);
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    StreamExecutionEnvironment flink = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    StreamingPipeline.build(flink, cfg, rules.toString(), env);
    JobClient job = flink.executeAsync("lens-panels-itcase");
    try {
      try (Producer<String, byte[]> producer =
          KafkaRecordSink.producer(kafka.bootstrapServers(), run + "-publisher")) {
        FilePublisher publisher =
            new FilePublisher(
                producer,
                new FilePublisher.Topics(
                    topics.get("raw"),
                    topics.get("departures"),
                    topics.get("identities"),
                    topics.get("access")));
        publisher.publishPeople(
            orgDir.resolve("departures.csv"),
            orgDir.resolve("identities.csv"),
            orgDir.resolve("access.ndjson"));
        TopicOffsets.awaitConsumed(
            kafka,
            run + "-detection",
            List.of(topics.get("departures"), topics.get("identities"), topics.get("access")),
            CONSUMED_WITHIN,
            () -> assertRunning(job));
        publisher.publishEvents(
            List.of(orgDir.resolve("okta"), orgDir.resolve("github"), orgDir.resolve("cloudtrail")),
            null);
      }
      TopicOffsets.awaitConsumed(
          kafka,
          run + "-detection",
          List.of(topics.get("raw")),
          CONSUMED_WITHIN,
          () -> assertRunning(job));
      awaitSettled(es, run, job);
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
    return org;
  }

  /**
   * After the job has read everything: waits until the findings and steps counts have not moved for
   * five seconds (the sink flushes every 200 ms; checkpoints every second).
   */
  private static void awaitSettled(EmbeddedElasticsearch es, String prefix, JobClient job)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    List<Long> last = List.of();
    long sameSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
      List<Long> counts = List.of(count(es, prefix + "-findings"), count(es, prefix + "-steps"));
      if (!counts.equals(last)) {
        last = counts;
        sameSince = System.nanoTime();
      } else if (counts.get(0) > 0
          && System.nanoTime() - sameSince > Duration.ofSeconds(5).toNanos()) {
        return;
      }
      pause(Duration.ofMillis(500));
    }
    throw new AssertionError("findings and steps did not settle within 120 s: " + last);
  }

  private static long count(EmbeddedElasticsearch es, String index) throws Exception {
    http(es, "POST", "/" + index + "/_refresh", null);
    return http(es, "GET", "/" + index + "/_count", null).path("count").asLong();
  }

  private static List<JsonNode> readAll(EmbeddedElasticsearch es, String index) throws Exception {
    http(es, "POST", "/" + index + "/_refresh", null);
    ObjectNode body = JSON.createObjectNode();
    body.put("size", 10_000);
    JsonNode res = http(es, "POST", "/" + index + "/_search", body.toString());
    assertThat(res.path("hits").path("total").path("value").asLong()).isLessThan(10_000);
    List<JsonNode> out = new ArrayList<>();
    res.path("hits").path("hits").forEach(h -> out.add(h.path("_source")));
    return out;
  }

  private static void bulk(EmbeddedElasticsearch es, String index, List<ObjectNode> docs)
      throws Exception {
    StringBuilder nd = new StringBuilder();
    for (ObjectNode d : docs) {
      String id = d.remove("_id").asText();
      ObjectNode action = JSON.createObjectNode();
      action.putObject("index").put("_index", index).put("_id", id);
      nd.append(action).append('\n').append(d).append('\n');
    }
    JsonNode res = http(es, "POST", "/_bulk?refresh=true", nd.toString());
    assertThat(res.path("errors").asBoolean()).as("bulk into %s: %s", index, res).isFalse();
  }

  private static JsonNode search(EmbeddedElasticsearch es, String index, ObjectNode body)
      throws Exception {
    JsonNode res = http(es, "POST", "/" + index + "/_search", body.toString());
    assertThat(res.has("error")).as("search %s: %s", body, res).isFalse();
    return res;
  }

  private static JsonNode http(EmbeddedElasticsearch es, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(es.httpUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .header(
                "Content-Type",
                path.startsWith("/_bulk") ? "application/x-ndjson" : "application/json");
    req.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    HttpResponse<String> res =
        HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(res.body());
  }

  /** The wait between two polls of a deadline loop (never a synchronisation by itself). */
  private static void assertRunning(JobClient job) throws Exception {
    assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
  }

  private static void pause(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
