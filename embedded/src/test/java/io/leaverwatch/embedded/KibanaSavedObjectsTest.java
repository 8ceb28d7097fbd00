package io.leaverwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kibana cannot run here, so the saved objects are checked against what Kibana would need: every
 * reference resolves inside the file, every field a visualization or search uses exists in the
 * index template of its data view, and bucket aggregations only use aggregatable fields.
 */
class KibanaSavedObjectsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DASHBOARDS = repoRoot().resolve("dashboards");
  private static final String INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index";

  private static Map<String, JsonNode> objects; // "type/id" → object
  private static JsonNode exportSummary;
  private static Map<String, JsonNode> templatesByPattern;

  static Path repoRoot() {
    return Path.of(System.getProperty("leaverwatch.rules", "../rules"))
        .toAbsolutePath()
        .getParent();
  }

  @BeforeAll
  static void load() throws IOException {
    objects = new LinkedHashMap<>();
    List<String> lines =
        Files.readAllLines(DASHBOARDS.resolve("kibana/leaverwatch.ndjson"), StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      JsonNode object = JSON.readTree(lines.get(i));
      if (object.has("exportedCount")) {
        exportSummary = object;
        continue;
      }
      String key = object.path("type").asText() + "/" + object.path("id").asText();
      assertThat(objects.put(key, object)).as("line %d: duplicate %s", i + 1, key).isNull();
    }
    templatesByPattern = new HashMap<>();
    try (Stream<Path> files = Files.list(DASHBOARDS.resolve("index-templates"))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        JsonNode template = JSON.readTree(file.toFile());
        for (JsonNode pattern : template.path("index_patterns")) {
          templatesByPattern.put(pattern.asText(), template);
        }
      }
    }
  }

  @Test
  void containsTheDataViewsVisualizationsSearchAndDashboard() {
    assertThat(objects.keySet())
        .contains(
            "index-pattern/leaverwatch-findings-dv",
            "index-pattern/leaverwatch-steps-dv",
            "search/leaverwatch-critical-high-findings",
            "dashboard/leaverwatch-overview");
    assertThat(objects.keySet().stream().filter(k -> k.startsWith("visualization/"))).hasSize(5);
    assertThat(exportSummary.path("exportedCount").asInt()).isEqualTo(objects.size());
    for (JsonNode o : objects.values()) {
      assertThat(o.path("attributes").path("title").asText())
          .as("title of %s", o.path("id"))
          .isNotBlank();
    }
  }

  @Test
  void everyReferenceResolvesToAnObjectInTheFile() {
    for (JsonNode o : objects.values()) {
      for (JsonNode ref : o.path("references")) {
        String target = ref.path("type").asText() + "/" + ref.path("id").asText();
        assertThat(objects)
            .as("%s references %s", o.path("id").asText(), target)
            .containsKey(target);
      }
    }
  }

  @Test
  void everyNamedReferenceUsedInsideAnObjectIsDeclared() throws IOException {
    for (JsonNode o : objects.values()) {
      List<String> declared = new ArrayList<>();
      o.path("references").forEach(r -> declared.add(r.path("name").asText()));
      JsonNode attributes = o.path("attributes");
      String searchSource =
          attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON").asText("{}");
      JsonNode indexRef = JSON.readTree(searchSource).path("indexRefName");
      if (!indexRef.isMissingNode()) {
        assertThat(declared).as("%s", o.path("id")).contains(indexRef.asText());
      }
      if (attributes.has("panelsJSON")) {
        for (JsonNode panel : JSON.readTree(attributes.path("panelsJSON").asText())) {
          assertThat(declared)
              .as("%s panel", o.path("id"))
              .contains(panel.path("panelRefName").asText());
        }
      }
    }
  }

  @Test
  void everyFieldUsedExistsInTheTemplateOfItsDataViewAndBucketsOnlyUseAggregatableFields()
      throws IOException {
    for (JsonNode o : objects.values()) {
      String type = o.path("type").asText();
      if (!type.equals("visualization") && !type.equals("search")) {
        continue;
      }
      JsonNode mappings = mappingsFor(o);
      JsonNode attributes = o.path("attributes");
      List<String> fields = new ArrayList<>();
      List<String> bucketFields = new ArrayList<>();
      if (type.equals("visualization")) {
        for (JsonNode agg : JSON.readTree(attributes.path("visState").asText()).path("aggs")) {
          String field = agg.path("params").path("field").asText(null);
          if (field != null) {
            fields.add(field);
            bucketFields.add(field); // metric and bucket aggregations both need doc values
          }
        }
      } else {
        attributes.path("columns").forEach(c -> fields.add(c.asText()));
        attributes.path("sort").forEach(s -> fields.add(s.get(0).asText()));
        String query =
            JSON.readTree(
                    attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON").asText())
                .path("query")
                .path("query")
                .asText();
        Matcher m = Pattern.compile("([A-Za-z_@][A-Za-z0-9_.@]*)\\s*:").matcher(query);
        while (m.find()) {
          fields.add(m.group(1));
        }
      }
      assertThat(fields).as("fields of %s", o.path("id")).isNotEmpty();
      for (String field : fields) {
        assertThat(fieldMapping(mappings, field))
            .as("%s uses field %s", o.path("id").asText(), field)
            .isNotNull();
      }
      for (String field : bucketFields) {
        JsonNode mapping = fieldMapping(mappings, field);
        assertThat(mapping.path("type").asText())
            .as("%s aggregates on %s", o.path("id").asText(), field)
            .isIn("keyword", "long", "integer", "date", "double", "float", "boolean");
        assertThat(mapping.path("doc_values").asBoolean(true)).isTrue();
      }
    }
  }

  private JsonNode mappingsFor(JsonNode object) {
    String dataViewId = null;
    for (JsonNode ref : object.path("references")) {
      if (ref.path("name").asText().equals(INDEX_REF)) {
        dataViewId = ref.path("id").asText();
      }
    }
    JsonNode dataView = objects.get("index-pattern/" + dataViewId);
    assertThat(dataView).as("data view of %s", object.path("id")).isNotNull();
    String title = dataView.path("attributes").path("title").asText();
    JsonNode template = templatesByPattern.get(title);
    assertThat(template).as("an index template with pattern %s", title).isNotNull();
    return template.path("template").path("mappings");
  }

  /** The mapping of a (dotted) field, following sub-fields and dynamic templates; null if none. */
  static JsonNode fieldMapping(JsonNode mappings, String field) {
    JsonNode properties = mappings.path("properties");
    if (properties.has(field)) {
      return properties.get(field);
    }
    int dot = field.indexOf('.');
    if (dot > 0) {
      JsonNode parent = properties.get(field.substring(0, dot));
      String rest = field.substring(dot + 1);
      if (parent != null && parent.path("fields").has(rest)) {
        return parent.path("fields").get(rest);
      }
      if (parent != null && parent.has("properties")) {
        return fieldMapping(parent, rest);
      }
      for (JsonNode dynamic : mappings.path("dynamic_templates")) {
        JsonNode rule = dynamic.elements().next();
        String pathMatch = rule.path("path_match").asText("");
        if (pathMatch.endsWith(".*")
            && field.startsWith(pathMatch.substring(0, pathMatch.length() - 1))) {
          return rule.path("mapping");
        }
      }
    }
    return null;
  }

  @Test
  void theFieldLookupFindsSubFieldsAndDynamicDetailsAndRejectsTypos() throws IOException {
    JsonNode findings =
        templatesByPattern.get("leaverwatch-findings*").path("template").path("mappings");
    assertThat(fieldMapping(findings, "summary.keyword").path("type").asText())
        .isEqualTo("keyword");
    assertThat(fieldMapping(findings, "details.repo").path("type").asText()).isEqualTo("keyword");
    assertThat(fieldMapping(findings, "sevrity")).isNull();
    assertThat(fieldMapping(findings, "summary.raw")).isNull();
  }
}
