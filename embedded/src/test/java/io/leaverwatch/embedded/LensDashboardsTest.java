package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The by-value Lens dashboards of {@code dashboards/kibana/leaverwatch-lens.ndjson}, checked as
 * strictly as Kibana's import and Lens would: every nested JSON string parses, every reference
 * resolves (to an object of any saved-object file of the folder), panel ids are unique and match
 * their grid, every Lens accessor names a column of its layer, and every column's field exists in
 * the index template behind its data view with a type its operation can aggregate. A formula column
 * is checked against its text: the hidden columns Lens keeps for it are exactly the ones its
 * operation calls make (operation, field and kql each), its math column's tree is the formula's
 * arithmetic over them, and every field its kql names is in the template, aggregatable.
 */
class LensDashboardsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path KIBANA = KibanaSavedObjectsTest.repoRoot().resolve("dashboards/kibana");
  private static final Path TEMPLATES =
      KibanaSavedObjectsTest.repoRoot().resolve("dashboards/index-templates");
  private static final Set<String> BUCKETABLE =
      Set.of(
          "keyword", "date", "long", "integer", "short", "byte", "double", "float", "boolean",
          "ip");
  private static final Set<String> NUMERIC =
      Set.of("long", "integer", "short", "byte", "double", "float", "scaled_float");
  private static final Set<String> BUCKET_OPS = Set.of("terms", "date_histogram", "range");
  private static final Set<String> METRIC_OPS =
      Set.of("median", "percentile", "sum", "max", "min", "average", "unique_count", "last_value");

  private static Map<String, JsonNode> objects;
  private static Map<String, Map<String, String>> fieldTypes; // index pattern -> field -> type

  @BeforeAll
  static void load() throws IOException {
    objects = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(KIBANA)) {
      for (Path f :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".ndjson"))::iterator) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).isBlank()) {
            continue;
          }
          JsonNode o = JSON.readTree(lines.get(i));
          if (o.has("exportedCount")) {
            continue;
          }
          String key = o.path("type").asText() + "/" + o.path("id").asText();
          assertThat(objects.put(key, o)).as("%s:%d duplicate %s", f, i + 1, key).isNull();
        }
      }
    }
    fieldTypes = new HashMap<>();
    try (Stream<Path> files = Files.list(TEMPLATES)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        JsonNode t = JSON.readTree(f.toFile());
        Map<String, String> types = new HashMap<>();
        t.path("template")
            .path("mappings")
            .path("properties")
            .fields()
            .forEachRemaining(
                e -> types.put(e.getKey(), e.getValue().path("type").asText("object")));
        for (JsonNode p : t.path("index_patterns")) {
          fieldTypes.put(p.asText(), types);
        }
      }
    }
  }

  private static List<JsonNode> lensDashboards() {
    return List.of(
        objects.get("dashboard/leaverwatch-offboarding"),
        objects.get("dashboard/leaverwatch-one-departure"));
  }

  private static JsonNode parse(String json, String where) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(where + " is not valid JSON: " + e.getMessage());
    }
  }

  @Test
  void theTwoDashboardsOfTheIssueExistWithTheirTitles() {
    assertThat(
            objects
                .get("dashboard/leaverwatch-offboarding")
                .path("attributes")
                .path("title")
                .asText())
        .isEqualTo("Leaverwatch — offboarding");
    assertThat(
            objects
                .get("dashboard/leaverwatch-one-departure")
                .path("attributes")
                .path("title")
                .asText())
        .isEqualTo("Leaverwatch — one departure");
  }

  @Test
  void everyNestedJsonStringParses() {
    for (JsonNode d : lensDashboards()) {
      JsonNode a = d.path("attributes");
      String id = d.path("id").asText();
      assertThat(parse(a.path("panelsJSON").asText(), id + " panelsJSON").isArray()).isTrue();
      parse(a.path("optionsJSON").asText(), id + " optionsJSON");
      parse(
          a.path("kibanaSavedObjectMeta").path("searchSourceJSON").asText(),
          id + " searchSourceJSON");
      if (a.has("controlGroupInput")) {
        parse(a.path("controlGroupInput").path("panelsJSON").asText(), id + " control panelsJSON");
        parse(
            a.path("controlGroupInput").path("ignoreParentSettingsJSON").asText(),
            id + " ignoreParentSettingsJSON");
      }
    }
  }

  @Test
  void panelIdsAreUniqueMatchTheirGridAndPanelsDoNotOverlap() {
    for (JsonNode d : lensDashboards()) {
      JsonNode panels = parse(d.path("attributes").path("panelsJSON").asText(), "panels");
      Set<String> ids = new HashSet<>();
      List<int[]> boxes = new ArrayList<>();
      for (JsonNode p : panels) {
        String id = p.path("panelIndex").asText();
        assertThat(ids.add(id)).as("%s: duplicate panel %s", d.path("id").asText(), id).isTrue();
        JsonNode g = p.path("gridData");
        assertThat(g.path("i").asText()).as("gridData.i of " + id).isEqualTo(id);
        int[] box = {
          g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()
        };
        assertThat(box[0] + box[2]).as("%s fits the 48-column grid", id).isLessThanOrEqualTo(48);
        for (int[] o : boxes) {
          boolean overlap =
              box[0] < o[0] + o[2]
                  && o[0] < box[0] + box[2]
                  && box[1] < o[1] + o[3]
                  && o[1] < box[1] + box[3];
          assertThat(overlap).as("%s overlaps another panel", id).isFalse();
        }
        boxes.add(box);
        assertThat(p.path("type").asText()).as(id).isEqualTo("lens");
        assertThat(p.has("panelRefName")).as("%s is by value", id).isFalse();
      }
    }
  }

  @Test
  void everyReferenceResolvesAndEveryLayerHasOne() {
    for (JsonNode d : lensDashboards()) {
      String did = d.path("id").asText();
      Map<String, String> refs = new HashMap<>();
      for (JsonNode r : d.path("references")) {
        String target = r.path("type").asText() + "/" + r.path("id").asText();
        assertThat(objects).as("%s reference %s", did, r.path("name").asText()).containsKey(target);
        assertThat(refs.put(r.path("name").asText(), r.path("id").asText()))
            .as("%s: duplicate reference name %s", did, r.path("name").asText())
            .isNull();
      }
      Set<String> used = new HashSet<>();
      for (JsonNode p : parse(d.path("attributes").path("panelsJSON").asText(), "panels")) {
        String pid = p.path("panelIndex").asText();
        JsonNode attrs = p.path("embeddableConfig").path("attributes");
        Map<String, String> inner = new HashMap<>();
        for (JsonNode r : attrs.path("references")) {
          inner.put(r.path("name").asText(), r.path("id").asText());
        }
        attrs
            .path("state")
            .path("datasourceStates")
            .path("formBased")
            .path("layers")
            .fieldNames()
            .forEachRemaining(
                layer -> {
                  String name = "indexpattern-datasource-layer-" + layer;
                  assertThat(inner).as("%s layer %s", pid, layer).containsKey(name);
                  assertThat(refs.get(pid + ":" + name))
                      .as("%s: dashboard reference %s:%s", did, pid, name)
                      .isEqualTo(inner.get(name));
                  used.add(pid + ":" + name);
                });
      }
      JsonNode control = d.path("attributes").path("controlGroupInput");
      if (!control.isMissingNode()) {
        parse(control.path("panelsJSON").asText(), "controls")
            .fieldNames()
            .forEachRemaining(
                cid -> {
                  assertThat(refs).containsKey("controlGroup_" + cid + ":optionsListDataView");
                  used.add("controlGroup_" + cid + ":optionsListDataView");
                });
      }
      assertThat(used)
          .as("%s: every reference is used", did)
          .containsExactlyInAnyOrderElementsOf(refs.keySet());
    }
  }

  @Test
  void everyColumnAndAccessorIsSoundAndEveryFieldExistsAggregatable() {
    for (JsonNode d : lensDashboards()) {
      for (JsonNode p : parse(d.path("attributes").path("panelsJSON").asText(), "panels")) {
        String pid = p.path("panelIndex").asText();
        JsonNode attrs = p.path("embeddableConfig").path("attributes");
        assertThat(attrs.path("visualizationType").asText())
            .as(pid)
            .isIn("lnsXY", "lnsDatatable", "lnsMetric", "lnsPie");
        JsonNode layers =
            attrs.path("state").path("datasourceStates").path("formBased").path("layers");
        Map<String, String> layerPattern = new HashMap<>();
        for (JsonNode r : attrs.path("references")) {
          JsonNode dv = objects.get("index-pattern/" + r.path("id").asText());
          layerPattern.put(
              r.path("name").asText().replace("indexpattern-datasource-layer-", ""),
              dv.path("attributes").path("title").asText());
        }
        layers
            .fields()
            .forEachRemaining(
                layer -> {
                  String pattern = layerPattern.get(layer.getKey());
                  Map<String, String> types = fieldTypes.get(pattern);
                  assertThat(types).as("%s: index template for %s", pid, pattern).isNotNull();
                  JsonNode columns = layer.getValue().path("columns");
                  Set<String> managed = new HashSet<>();
                  Set<String> ids = new HashSet<>();
                  columns.fieldNames().forEachRemaining(ids::add);
                  List<String> order = new ArrayList<>();
                  layer.getValue().path("columnOrder").forEach(c -> order.add(c.asText()));
                  assertThat(order)
                      .as("%s columnOrder", pid)
                      .containsExactlyInAnyOrderElementsOf(ids);
                  columns
                      .fields()
                      .forEachRemaining(
                          c -> {
                            JsonNode col = c.getValue();
                            String op = col.path("operationType").asText();
                            String field = col.path("sourceField").asText();
                            String where =
                                pid + " column " + c.getKey() + " (" + op + " of " + field + ")";
                            filterFieldsAreAggregatable(col, types, where, pattern);
                            if (op.equals("formula")) {
                              managed.addAll(
                                  formulaMatchesItsColumns(
                                      pid, c.getKey(), col, columns, types, pattern));
                              return;
                            }
                            if (op.equals("math") || op.equals("count")) {
                              return;
                            }
                            assertThat(types)
                                .as(where + ": field in " + pattern)
                                .containsKey(field);
                            if (BUCKET_OPS.contains(op)) {
                              assertThat(col.path("isBucketed").asBoolean()).as(where).isTrue();
                              assertThat(types.get(field))
                                  .as(where + ": aggregatable type")
                                  .isIn(BUCKETABLE);
                              for (JsonNode secondary :
                                  col.path("params").path("secondaryFields")) {
                                assertThat(types.get(secondary.asText()))
                                    .as(where + ": secondary field " + secondary.asText())
                                    .isIn(BUCKETABLE);
                              }
                              JsonNode orderBy = col.path("params").path("orderBy");
                              if (orderBy.path("type").asText().equals("column")) {
                                assertThat(ids)
                                    .as(where + ": orderBy column")
                                    .contains(orderBy.path("columnId").asText());
                              }
                            } else {
                              assertThat(op).as(where).isIn(METRIC_OPS);
                              assertThat(types.get(field))
                                  .as(where + ": numeric type")
                                  .isIn(NUMERIC);
                            }
                          });
                  columns
                      .fields()
                      .forEachRemaining(
                          c -> {
                            if (c.getValue().path("operationType").asText().equals("math")) {
                              assertThat(managed)
                                  .as("%s: math column %s belongs to a formula", pid, c.getKey())
                                  .contains(c.getKey());
                            }
                          });
                  for (String accessor : accessors(attrs.path("state").path("visualization"))) {
                    assertThat(ids)
                        .as("%s: visualization accessor %s", pid, accessor)
                        .contains(accessor);
                  }
                  for (String f :
                      queryFields(attrs.path("state").path("query").path("query").asText())) {
                    assertThat(types)
                        .as("%s: query field %s in %s", pid, f, pattern)
                        .containsKey(f);
                  }
                });
      }
    }
  }

  /** A column's own filter (Lens's "filter by"): kql whose every field is mapped, aggregatable. */
  private static void filterFieldsAreAggregatable(
      JsonNode col, Map<String, String> types, String where, String pattern) {
    JsonNode filter = col.path("filter");
    if (filter.path("query").asText("").isBlank()) {
      return;
    }
    assertThat(filter.path("language").asText()).as(where + ": filter language").isEqualTo("kuery");
    for (String f : queryFields(filter.path("query").asText())) {
      assertThat(types.get(f))
          .as("%s: filter field %s in %s, aggregatable", where, f, pattern)
          .isIn(BUCKETABLE);
    }
  }

  /**
   * What Lens stores for a formula, rebuilt from its text and compared: the hidden columns of its
   * operation calls, the math column over them, and the formula column's one reference. Returns the
   * ids of the hidden columns.
   */
  private static Set<String> formulaMatchesItsColumns(
      String pid,
      String id,
      JsonNode col,
      JsonNode columns,
      Map<String, String> types,
      String pattern) {
    String where = pid + " formula column " + id;
    JsonNode params = col.path("params");
    String text = params.path("formula").asText("");
    assertThat(text).as(where + ": params.formula").isNotBlank();
    assertThat(params.path("isFormulaBroken").asBoolean(true))
        .as(where + ": isFormulaBroken")
        .isFalse();
    assertThat(col.path("isBucketed").asBoolean()).as(where + ": isBucketed").isFalse();
    assertThat(col.path("dataType").asText()).as(where + ": dataType").isEqualTo("number");
    LensFormula formula;
    try {
      formula = new LensFormula(id, text);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(pid + ": " + e.getMessage());
    }
    assertThat(formula.calls).as(where + ": operation calls").isNotEmpty();
    Set<String> managed = new LinkedHashSet<>();
    for (int i = 0; i < formula.calls.size(); i++) {
      LensFormula.Call call = formula.calls.get(i);
      String hid = formula.managedId(i);
      String at = where + ": hidden column " + hid + " for " + call;
      JsonNode h = columns.path(hid);
      assertThat(h.isMissingNode()).as(at + " exists").isFalse();
      assertThat(h.path("operationType").asText()).as(at).isEqualTo(call.operation());
      assertThat(h.path("sourceField").asText())
          .as(at + ": sourceField")
          .isEqualTo(call.field() == null ? "___records___" : call.field());
      assertThat(h.path("filter").path("query").asText(null))
          .as(at + ": filter")
          .isEqualTo(call.kql());
      assertThat(h.path("isBucketed").asBoolean()).as(at + ": isBucketed").isFalse();
      assertThat(h.path("customLabel").asBoolean()).as(at + ": customLabel").isTrue();
      if (call.kql() != null) {
        for (String f : queryFields(call.kql())) {
          assertThat(types.get(f))
              .as("%s: kql field %s in %s, aggregatable", at, f, pattern)
              .isIn(BUCKETABLE);
        }
      }
      managed.add(hid);
    }
    if (!formula.math.isTextual()) {
      String mid = formula.managedId(formula.calls.size());
      String at = where + ": math column " + mid;
      JsonNode m = columns.path(mid);
      assertThat(m.isMissingNode()).as(at + " exists").isFalse();
      assertThat(m.path("operationType").asText()).as(at).isEqualTo("math");
      assertThat(m.path("isBucketed").asBoolean()).as(at + ": isBucketed").isFalse();
      JsonNode ast = m.path("params").path("tinymathAst");
      assertThat(withoutPositions(ast))
          .as(at + ": tinymathAst is the formula over its hidden columns")
          .isEqualTo(formula.math);
      assertThat(ast.path("text").asText()).as(at + ": tinymathAst.text").isEqualTo(text);
      assertThat(ast.path("location").path("min").asInt(-1)).as(at + ": location.min").isZero();
      assertThat(ast.path("location").path("max").asInt(-1))
          .as(at + ": location.max")
          .isEqualTo(text.length());
      List<String> variables = new ArrayList<>();
      variablesOf(formula.math, variables);
      List<String> references = new ArrayList<>();
      m.path("references").forEach(r -> references.add(r.asText()));
      assertThat(references).as(at + ": references").isEqualTo(variables);
      managed.add(mid);
    }
    List<String> references = new ArrayList<>();
    col.path("references").forEach(r -> references.add(r.asText()));
    assertThat(references).as(where + ": references").containsExactly(formula.resultId());
    columns
        .fieldNames()
        .forEachRemaining(
            other -> {
              if (other.matches(Pattern.quote(id) + "X\\d+")) {
                assertThat(managed).as("%s: no stray hidden column", where).contains(other);
              }
            });
    return managed;
  }

  /** A tinymath tree without the positions Lens records, to compare its shape. */
  private static JsonNode withoutPositions(JsonNode node) {
    if (!node.isObject()) {
      return node;
    }
    ObjectNode copy = node.deepCopy();
    copy.remove("location");
    copy.remove("text");
    ArrayNode args = JSON.createArrayNode();
    node.path("args").forEach(a -> args.add(withoutPositions(a)));
    if (copy.has("args")) {
      copy.set("args", args);
    }
    return copy;
  }

  private static void variablesOf(JsonNode node, List<String> out) {
    if (node.isTextual()) {
      if (!out.contains(node.asText())) {
        out.add(node.asText());
      }
      return;
    }
    node.path("args").forEach(a -> variablesOf(a, out));
  }

  @Test
  void slaMetIsOneFigureOfOnTimeOverDueStepsBesideThePerSystemChart() throws IOException {
    JsonNode d = objects.get("dashboard/leaverwatch-offboarding");
    Map<String, JsonNode> panels = new HashMap<>();
    for (JsonNode p : parse(d.path("attributes").path("panelsJSON").asText(), "panels")) {
      panels.put(p.path("panelIndex").asText(), p.path("embeddableConfig").path("attributes"));
    }
    // the per-system view stays
    assertThat(panels.get("off-sla").path("visualizationType").asText()).isEqualTo("lnsXY");

    JsonNode attrs = panels.get("off-sla-pct");
    assertThat(attrs).as("the panel 'SLA met %'").isNotNull();
    assertThat(attrs.path("title").asText()).isEqualTo("SLA met %");
    assertThat(attrs.path("visualizationType").asText()).isEqualTo("lnsMetric");
    assertThat(attrs.path("references").path(0).path("id").asText())
        .isEqualTo("leaverwatch-steps-dv");
    JsonNode state = attrs.path("state");
    assertThat(state.path("query").path("query").asText())
        .as("no panel query: the formula says which steps count")
        .isEmpty();
    JsonNode columns =
        state.path("datasourceStates").path("formBased").path("layers").path("layer1");
    String accessor = state.path("visualization").path("metricAccessor").asText();
    JsonNode sla = columns.path("columns").path(accessor);
    assertThat(sla.path("operationType").asText()).isEqualTo("formula");
    assertThat(sla.path("params").path("format").path("id").asText()).isEqualTo("percent");

    LensFormula f = new LensFormula(accessor, sla.path("params").path("formula").asText());
    assertThat(f.math.path("name").asText()).as("on time divided by due").isEqualTo("divide");
    assertThat(f.calls).extracting(LensFormula.Call::operation).containsExactly("count", "count");
    // due = every state of OffboardingStepStatus but PENDING, read from the schema itself
    JsonNode schema =
        JSON.readTree(
            KibanaSavedObjectsTest.repoRoot()
                .resolve("schemas/src/main/avro/OffboardingStepStatus.avsc")
                .toFile());
    Set<String> due = new LinkedHashSet<>();
    for (JsonNode field : schema.path("fields")) {
      if (field.path("name").asText().equals("status")) {
        field.path("type").path("symbols").forEach(sym -> due.add(sym.asText()));
      }
    }
    assertThat(due).contains("ON_TIME", "PENDING");
    due.remove("PENDING");
    assertThat(statusesOf(f.calls.get(0).kql())).containsExactly("ON_TIME");
    assertThat(statusesOf(f.calls.get(1).kql())).containsExactlyInAnyOrderElementsOf(due);
  }

  /**
   * The statuses a kql of the shape {@code status : "A"} or {@code status : ("A" or "B")} keeps.
   */
  private static List<String> statusesOf(String kql) {
    Matcher m =
        Pattern.compile(
                "^\\s*status\\s*:\\s*(\"\\w+\"|\\((\\s*\"\\w+\"\\s+or)*\\s*\"\\w+\"\\s*\\))\\s*$")
            .matcher(kql);
    assertThat(m.matches()).as("kql '%s' is a choice of statuses", kql).isTrue();
    List<String> out = new ArrayList<>();
    Matcher v = Pattern.compile("\"(\\w+)\"").matcher(m.group(1));
    while (v.find()) {
      out.add(v.group(1));
    }
    return out;
  }

  @Test
  void thePersonControlFiltersOnAnAggregatableField() {
    JsonNode d = objects.get("dashboard/leaverwatch-one-departure");
    JsonNode controls =
        parse(
            d.path("attributes").path("controlGroupInput").path("panelsJSON").asText(), "controls");
    assertThat(controls.size()).isEqualTo(1);
    JsonNode c = controls.elements().next();
    assertThat(c.path("type").asText()).isEqualTo("optionsListControl");
    String field = c.path("explicitInput").path("fieldName").asText();
    assertThat(field).isEqualTo("person_id");
    // the filter applies to every panel whose data view has the field: findings and steps both do
    assertThat(fieldTypes.get("leaverwatch-findings*")).containsEntry(field, "keyword");
    assertThat(fieldTypes.get("leaverwatch-steps*")).containsEntry(field, "keyword");
  }

  @Test
  void theFindingLifecycleTheQueriesFilterOnIsMapped() {
    // "not status : RESOLVED" is how the panels show open findings: without the field mapped it
    // would match every finding, resolved ones too
    assertThat(fieldTypes.get("leaverwatch-findings*"))
        .containsEntry("status", "keyword")
        .containsEntry("resolved_at", "date")
        .containsEntry("resolution", "text")
        .containsEntry("revision", "long");
  }

  @Test
  void alertDeliveriesHaveTheirDataViewTemplateAndPanel() {
    JsonNode dv = objects.get("index-pattern/leaverwatch-alerts-dv");
    assertThat(dv).isNotNull();
    assertThat(dv.path("attributes").path("title").asText()).isEqualTo("leaverwatch-alerts*");
    assertThat(dv.path("attributes").path("timeFieldName").asText()).isEqualTo("delivered_at");
    Map<String, String> expected = new LinkedHashMap<>();
    for (String keyword :
        List.of(
            "finding_id",
            "receiver",
            "channel",
            "type",
            "severity",
            "status",
            "last_action",
            "outcome",
            "person_id")) {
      expected.put(keyword, "keyword");
    }
    expected.put("revision", "long");
    expected.put("attempts", "integer");
    expected.put("delivered_at", "date");
    assertThat(fieldTypes.get("leaverwatch-alerts*")).isEqualTo(expected);

    JsonNode d = objects.get("dashboard/leaverwatch-offboarding");
    Map<String, JsonNode> layers = new HashMap<>();
    for (JsonNode p : parse(d.path("attributes").path("panelsJSON").asText(), "panels")) {
      layers.put(
          p.path("panelIndex").asText(),
          p.path("embeddableConfig")
              .path("attributes")
              .path("state")
              .path("datasourceStates")
              .path("formBased")
              .path("layers")
              .path("layer1")
              .path("columns"));
    }
    assertThat(layers).containsKeys("off-alerts", "off-alert-outcomes");
    // over time by channel, and the outcomes of each channel
    assertThat(sourceFields(layers.get("off-alerts"))).containsExactly("delivered_at", "channel");
    assertThat(sourceFields(layers.get("off-alert-outcomes")))
        .containsExactly("channel", "outcome");
  }

  private static List<String> sourceFields(JsonNode columns) {
    List<String> out = new ArrayList<>();
    columns.forEach(
        c -> {
          if (c.path("isBucketed").asBoolean()) {
            out.add(c.path("sourceField").asText());
          }
        });
    return out;
  }

  private static List<String> accessors(JsonNode vis) {
    List<String> out = new ArrayList<>();
    for (JsonNode l : vis.path("layers")) {
      if (l.has("xAccessor")) {
        out.add(l.path("xAccessor").asText());
      }
      if (l.has("splitAccessor")) {
        out.add(l.path("splitAccessor").asText());
      }
      l.path("accessors").forEach(a -> out.add(a.asText()));
    }
    vis.path("columns").forEach(c -> out.add(c.path("columnId").asText()));
    if (vis.has("metricAccessor")) {
      out.add(vis.path("metricAccessor").asText());
    }
    return out;
  }

  private static List<String> queryFields(String kql) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("([A-Za-z_@][A-Za-z0-9_.]*)\\s*(:|>=|<=|>|<)").matcher(kql);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
