package io.leaverwatch.jobs.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the Leaverwatch index templates (the JSON files in {@code dashboards/index-templates/},
 * packaged into this jar under {@code leaverwatch/index-templates/}) and creates, for each, the
 * first rollover-ready index {@code <prefix>-<name>-000001} behind the write alias {@code
 * <prefix>-<name>}, and brings the mappings of the indices already behind the alias up to date.
 * Idempotent: run it before every job start.
 *
 * <p>Run it before the sink writes: a write to a missing alias would auto-create a plain index of
 * that name, which can never become an alias.
 */
public final class IndexTemplates {

  /** Logical index names; the sink writes to {@code <prefix>-<name>}. */
  public static final List<String> NAMES = List.of("findings", "steps", "dlq", "alerts");

  private static final ObjectMapper JSON = new ObjectMapper();

  private IndexTemplates() {}

  /** Installs every template and creates the missing write indices; returns the aliases. */
  public static List<String> install(ElasticsearchClient client, String prefix) throws IOException {
    List<String> aliases = new ArrayList<>();
    for (String name : NAMES) {
      String alias = prefix + "-" + name;
      String template = templateJson(name, prefix);
      client.indices().putIndexTemplate(t -> t.name(alias).withJson(new StringReader(template)));
      ensureWriteAlias(client, alias);
      updateMappings(client, alias, template);
      aliases.add(alias);
    }
    return aliases;
  }

  /** The template for one logical name, with its index pattern and alias under {@code prefix}. */
  public static String templateJson(String name, String prefix) throws IOException {
    String resource = "/leaverwatch/index-templates/" + name + ".json";
    try (InputStream in = IndexTemplates.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("index template " + resource + " is missing from the classpath");
      }
      ObjectNode template = (ObjectNode) JSON.readTree(in);
      String alias = prefix + "-" + name;
      template.putArray("index_patterns").add(alias + "*");
      ObjectNode meta =
          template.get("_meta") instanceof ObjectNode existing
              ? existing
              : template.putObject("_meta");
      meta.put("alias", alias);
      return JSON.writeValueAsString(template);
    }
  }

  /**
   * A template applies to indices created after it: the indices already behind the alias get its
   * mappings too (new fields, such as {@code revision}, and {@code ignore_above}), or a strict
   * mapping written by an older version would refuse every document that has the new fields.
   * Mappings only grow: a field whose type changed cannot be updated and stops the install.
   */
  private static void updateMappings(ElasticsearchClient client, String alias, String template)
      throws IOException {
    String mappings =
        JSON.writeValueAsString(JSON.readTree(template).path("template").path("mappings"));
    try {
      client.indices().putMapping(m -> m.index(alias).withJson(new StringReader(mappings)));
    } catch (ElasticsearchException e) {
      throw new IllegalStateException(
          "the indices behind "
              + alias
              + " cannot take the current mappings ("
              + e.getMessage()
              + "): reindex them into a new index created from the template",
          e);
    }
  }

  private static void ensureWriteAlias(ElasticsearchClient client, String alias)
      throws IOException {
    if (client.indices().existsAlias(a -> a.name(alias)).value()) {
      return;
    }
    if (client.indices().exists(e -> e.index(alias)).value()) {
      throw new IllegalStateException(
          "Elasticsearch has a plain index named "
              + alias
              + " (written before the templates were installed?): it cannot become the write alias."
              + " Reindex it into "
              + alias
              + "-000001 and delete it, then start again");
    }
    String first = alias + "-000001";
    try {
      client.indices().create(c -> c.index(first).aliases(alias, a -> a.isWriteIndex(true)));
    } catch (ElasticsearchException e) {
      // another job instance won the race: fine as long as the alias is there now
      if (!"resource_already_exists_exception".equals(e.error().type())) {
        throw e;
      }
    }
  }
}
