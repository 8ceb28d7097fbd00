package io.leaverwatch.jobs.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One by-value Lens panel of a dashboard saved object, read generically from its state, and the
 * Elasticsearch search it stands for: the panel's query (KQL) and filters, the dashboard's filters
 * and time range on the data view's time field, its bucket columns nested in column order (terms,
 * multi-field terms, date histogram) and its metric columns (count, sum, min, max, average, median,
 * percentile, unique count, last value) at the innermost level, as Kibana's {@code esaggs} nests
 * them. {@link #rows} flattens the response into the table Lens draws: one row per innermost
 * bucket, a value per column. A formula column is what Lens stores for it: hidden helper columns
 * (filtered counts and other metrics, aggregated like any metric) and a {@code math} column whose
 * tinymath tree Lens evaluates per row after the search, as this does; the formula column shows the
 * math column's value. An operation it does not know fails the test that uses it rather than being
 * skipped.
 */
final class LensPanel {
  static final String MISSING = "__missing__";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Column(
      String id,
      String operation,
      String field,
      JsonNode params,
      JsonNode filter,
      JsonNode references) {
    boolean bucketed() {
      return operation.equals("terms") || operation.equals("date_histogram");
    }

    /** Computed by Lens from other columns of the row, after the search: no aggregation. */
    boolean computed() {
      return operation.equals("math") || operation.equals("formula");
    }
  }

  final String panelId;
  final String title;
  final String dataViewId;
  final String indexPattern;
  final String timeField;
  final List<Column> buckets = new ArrayList<>();
  final List<Column> metrics = new ArrayList<>();
  private final String kql;
  private final JsonNode filters;

  /**
   * @param panel an element of the dashboard's {@code panelsJSON}
   * @param dataViews index-pattern saved objects by id
   */
  LensPanel(JsonNode panel, Map<String, JsonNode> dataViews) {
    this.panelId = panel.path("panelIndex").asText();
    JsonNode attrs = panel.path("embeddableConfig").path("attributes");
    this.title = attrs.path("title").asText();
    JsonNode layers = attrs.path("state").path("datasourceStates").path("formBased").path("layers");
    if (layers.size() != 1) {
      throw new IllegalArgumentException(panelId + ": " + layers.size() + " layers (one expected)");
    }
    String layerId = layers.fieldNames().next();
    JsonNode layer = layers.get(layerId);
    String ref = null;
    for (JsonNode r : attrs.path("references")) {
      if (r.path("name").asText().equals("indexpattern-datasource-layer-" + layerId)) {
        ref = r.path("id").asText();
      }
    }
    JsonNode dv = dataViews.get(ref);
    if (dv == null) {
      throw new IllegalArgumentException(panelId + ": no data view " + ref);
    }
    this.dataViewId = ref;
    this.indexPattern = dv.path("attributes").path("title").asText();
    this.timeField = dv.path("attributes").path("timeFieldName").asText(null);
    for (JsonNode id : layer.path("columnOrder")) {
      JsonNode c = layer.path("columns").path(id.asText());
      Column col =
          new Column(
              id.asText(),
              c.path("operationType").asText(),
              c.path("sourceField").asText(),
              c.path("params"),
              c.path("filter"),
              c.path("references"));
      (c.path("isBucketed").asBoolean() ? buckets : metrics).add(col);
    }
    this.kql = attrs.path("state").path("query").path("query").asText("");
    this.filters = attrs.path("state").path("filters");
  }

  /** The index pattern under another prefix than the saved objects' {@code leaverwatch}. */
  String index(String prefix) {
    return indexPattern.replaceFirst("^leaverwatch", prefix);
  }

  /**
   * The search body.
   *
   * @param dashboardFilters filters the dashboard adds (its controls' selections), as ES queries
   * @param interval the fixed interval an {@code auto} date histogram resolves to for this range
   */
  ObjectNode request(List<JsonNode> dashboardFilters, Instant from, Instant to, String interval) {
    ObjectNode body = JSON.createObjectNode();
    body.put("size", 0);
    body.put("track_total_hits", true);
    ObjectNode bool = body.putObject("query").putObject("bool");
    ArrayNode filter = bool.putArray("filter");
    ArrayNode mustNot = bool.putArray("must_not");
    if (!kql.isBlank()) {
      filter.add(Kql.toQuery(kql));
    }
    for (JsonNode f : filters) {
      if (f.path("meta").path("disabled").asBoolean()) {
        continue;
      }
      (f.path("meta").path("negate").asBoolean() ? mustNot : filter).add(f.path("query"));
    }
    dashboardFilters.forEach(filter::add);
    if (timeField != null) {
      ObjectNode range = filter.addObject().putObject("range").putObject(timeField);
      range.put("gte", from.toString());
      range.put("lte", to.toString());
      range.put("format", "strict_date_optional_time");
    }
    ObjectNode level = body;
    for (Column b : buckets) {
      ObjectNode aggs = aggsOf(level).putObject(b.id());
      bucketAgg(aggs, b, from, to, interval);
      level = aggs;
    }
    if (!metrics.isEmpty()) {
      ObjectNode aggs = aggsOf(level);
      for (Column m : metrics) {
        if (m.computed()) {
          continue;
        }
        if (!m.operation().equals("count") || hasFilter(m)) {
          aggs.set(m.id(), metricAgg(m));
        }
      }
      if (aggs.isEmpty()) {
        level.remove("aggs");
      }
    }
    return body;
  }

  private void bucketAgg(ObjectNode agg, Column b, Instant from, Instant to, String interval) {
    JsonNode p = b.params();
    switch (b.operation()) {
      case "terms" -> {
        if (p.path("otherBucket").asBoolean()) {
          throw new UnsupportedOperationException(panelId + " " + b.id() + ": other bucket");
        }
        ObjectNode terms;
        if (p.path("secondaryFields").size() > 0) {
          terms = agg.putObject("multi_terms");
          ArrayNode fields = terms.putArray("terms");
          fields.addObject().put("field", b.field());
          p.path("secondaryFields").forEach(f -> fields.addObject().put("field", f.asText()));
        } else {
          terms = agg.putObject("terms");
          terms.put("field", b.field());
          if (p.path("missingBucket").asBoolean()) {
            terms.put("missing", MISSING);
          }
        }
        terms.put("size", p.path("size").asInt(5));
        String direction = p.path("orderDirection").asText("desc");
        JsonNode orderBy = p.path("orderBy");
        switch (orderBy.path("type").asText()) {
          case "alphabetical" -> terms.putObject("order").put("_key", direction);
          case "column" -> {
            Column by = metric(orderBy.path("columnId").asText());
            if (by.operation().equals("count") && !hasFilter(by)) {
              terms.putObject("order").put("_count", direction);
            } else {
              // like esaggs: the ordering metric as a child of the terms, named for the order
              aggsOf(agg).set("orderAgg", metricAgg(by));
              terms.putObject("order").put(orderPath("orderAgg", by), direction);
            }
          }
          default ->
              throw new UnsupportedOperationException(
                  panelId + " " + b.id() + ": order by " + orderBy);
        }
      }
      case "date_histogram" -> {
        ObjectNode h = agg.putObject("date_histogram");
        h.put("field", b.field());
        String i = p.path("interval").asText("auto");
        h.put("fixed_interval", i.equals("auto") ? interval : i);
        h.put("time_zone", "UTC");
        h.put("min_doc_count", p.path("includeEmptyRows").asBoolean() ? 0 : 1);
        if (p.path("includeEmptyRows").asBoolean()) {
          ObjectNode bounds = h.putObject("extended_bounds");
          bounds.put("min", from.toEpochMilli());
          bounds.put("max", to.toEpochMilli());
        }
      }
      default ->
          throw new UnsupportedOperationException(
              panelId + " " + b.id() + ": bucket operation " + b.operation());
    }
  }

  private static ObjectNode aggsOf(ObjectNode level) {
    return level.get("aggs") instanceof ObjectNode o ? o : level.putObject("aggs");
  }

  private static boolean hasFilter(Column m) {
    return m.filter().hasNonNull("query") && !m.filter().path("query").asText().isBlank();
  }

  private Column metric(String id) {
    for (Column m : metrics) {
      if (m.id().equals(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException(panelId + ": no metric column " + id);
  }

  private ObjectNode metricAgg(Column m) {
    ObjectNode agg = JSON.createObjectNode();
    String f = m.field();
    switch (m.operation()) {
      case "count" -> agg.putObject("value_count").put("field", "_index");
      case "sum" -> agg.putObject("sum").put("field", f);
      case "min" -> agg.putObject("min").put("field", f);
      case "max" -> agg.putObject("max").put("field", f);
      case "average" -> agg.putObject("avg").put("field", f);
      case "unique_count" -> agg.putObject("cardinality").put("field", f);
      case "median" -> {
        ObjectNode pc = agg.putObject("percentiles");
        pc.put("field", f);
        pc.putArray("percents").add(50);
      }
      case "percentile" -> {
        ObjectNode pc = agg.putObject("percentiles");
        pc.put("field", f);
        pc.putArray("percents").add(m.params().path("percentile").asDouble(95));
      }
      case "last_value" -> {
        ObjectNode tm = agg.putObject("top_metrics");
        tm.putArray("metrics").addObject().put("field", f);
        tm.putObject("sort").put(m.params().path("sortField").asText(timeField), "desc");
      }
      default ->
          throw new UnsupportedOperationException(
              panelId + " " + m.id() + ": metric operation " + m.operation());
    }
    if (!hasFilter(m)) {
      return agg;
    }
    ObjectNode wrapped = JSON.createObjectNode();
    wrapped.set("filter", Kql.toQuery(m.filter().path("query").asText()));
    wrapped.putObject("aggs").set("inner", agg);
    return wrapped;
  }

  private static String orderPath(String name, Column m) {
    String inner = hasFilter(m) ? name + ">inner" : name;
    return switch (m.operation()) {
      case "median" -> inner + "[50.0]";
      case "percentile" -> inner + "[" + m.params().path("percentile").asDouble(95) + "]";
      case "count" -> hasFilter(m) ? name + "._count" : "_count";
      default -> inner;
    };
  }

  /**
   * The table Lens draws from the response: a row per innermost non-empty bucket, bucket columns as
   * keys (multi-field terms joined with " › ", dates as ISO instants), metric columns as numbers
   * (null when the bucket has no value).
   */
  List<Map<String, Object>> rows(JsonNode response) {
    List<Map<String, Object>> out = new ArrayList<>();
    JsonNode aggs = response.path("aggregations");
    if (buckets.isEmpty()) {
      Map<String, Object> row = new LinkedHashMap<>();
      metricsInto(row, aggs, response.path("hits").path("total").path("value").asLong());
      out.add(row);
      return out;
    }
    collect(aggs, 0, new LinkedHashMap<>(), out);
    return out;
  }

  private void collect(
      JsonNode level, int depth, Map<String, Object> keys, List<Map<String, Object>> out) {
    Column b = buckets.get(depth);
    for (JsonNode bucket : level.path(b.id()).path("buckets")) {
      long docs = bucket.path("doc_count").asLong();
      if (docs == 0) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>(keys);
      row.put(b.id(), key(b, bucket));
      if (depth + 1 < buckets.size()) {
        collect(bucket, depth + 1, row, out);
      } else {
        metricsInto(row, bucket, docs);
        out.add(row);
      }
    }
  }

  private static Object key(Column b, JsonNode bucket) {
    if (b.operation().equals("date_histogram")) {
      return Instant.ofEpochMilli(bucket.path("key").asLong()).toString();
    }
    if (bucket.path("key").isArray()) {
      List<String> parts = new ArrayList<>();
      bucket.path("key").forEach(k -> parts.add(k.asText()));
      return String.join(" › ", parts);
    }
    return bucket.path("key").asText();
  }

  private void metricsInto(Map<String, Object> row, JsonNode bucket, long docs) {
    for (Column m : metrics) {
      if (m.computed()) {
        continue;
      }
      JsonNode agg = bucket.path(m.id());
      if (hasFilter(m)) {
        if (m.operation().equals("count")) {
          row.put(m.id(), agg.path("doc_count").asDouble());
          continue;
        }
        agg = agg.path("inner");
      }
      row.put(m.id(), metricValue(m, agg, docs));
    }
    // math columns from the aggregated ones, then each formula from its math column
    for (Column m : metrics) {
      if (m.operation().equals("math")) {
        row.put(m.id(), evaluate(m, m.params().path("tinymathAst"), row));
      }
    }
    for (Column m : metrics) {
      if (m.operation().equals("formula")) {
        if (m.references().size() != 1) {
          throw new IllegalArgumentException(
              panelId + " " + m.id() + ": a formula references one column, not " + m.references());
        }
        String ref = m.references().get(0).asText();
        if (!row.containsKey(ref)) {
          throw new IllegalArgumentException(panelId + " " + m.id() + ": no column " + ref);
        }
        row.put(m.id(), row.get(ref));
      }
    }
  }

  /**
   * A tinymath tree as Lens stores it in a math column: numbers, column ids (strings) and the four
   * arithmetic functions. An empty value makes the result empty, and so does a division by zero, as
   * Lens leaves the cell empty rather than showing infinity.
   */
  private Double evaluate(Column m, JsonNode node, Map<String, Object> row) {
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isTextual() || node.path("type").asText().equals("variable")) {
      String id = node.isTextual() ? node.asText() : node.path("value").asText();
      if (!row.containsKey(id)) {
        throw new IllegalArgumentException(panelId + " " + m.id() + ": no column " + id);
      }
      return row.get(id) instanceof Number n ? n.doubleValue() : null;
    }
    if (!node.path("type").asText().equals("function") || node.path("args").size() != 2) {
      throw new UnsupportedOperationException(panelId + " " + m.id() + ": math node " + node);
    }
    Double a = evaluate(m, node.path("args").get(0), row);
    Double b = evaluate(m, node.path("args").get(1), row);
    if (a == null || b == null) {
      return null;
    }
    return switch (node.path("name").asText()) {
      case "add" -> a + b;
      case "subtract" -> a - b;
      case "multiply" -> a * b;
      case "divide" -> b == 0 ? null : a / b;
      default ->
          throw new UnsupportedOperationException(
              panelId + " " + m.id() + ": math function " + node.path("name").asText());
    };
  }

  private static Object metricValue(Column m, JsonNode agg, long docs) {
    JsonNode v =
        switch (m.operation()) {
          case "count" -> JSON.getNodeFactory().numberNode(docs);
          case "median", "percentile" -> {
            JsonNode values = agg.path("values");
            yield values.size() == 0 ? null : values.elements().next();
          }
          case "last_value" -> agg.path("top").path(0).path("metrics").path(m.field());
          default -> agg.path("value");
        };
    return v == null || v.isNull() || v.isMissingNode() ? null : v.asDouble();
  }
}
