package io.leaverwatch.jobs.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;

/** Builds a client for an {@link ElasticsearchSinkConfig}: its URLs and its credentials. */
public final class ElasticsearchClients {
  private ElasticsearchClients() {}

  /** A client and the low-level REST client under it; closing it closes both. */
  public static final class Connection implements AutoCloseable {
    private final RestClient rest;
    private final ElasticsearchClient client;

    private Connection(RestClient rest) {
      this.rest = rest;
      this.client =
          new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
    }

    public ElasticsearchClient client() {
      return client;
    }

    @Override
    public void close() throws IOException {
      rest.close();
    }
  }

  /**
   * Connects with the configuration's credentials, read here (in the writer, where it runs) from
   * the environment variable or the file the configuration names.
   */
  public static Connection connect(ElasticsearchSinkConfig config) {
    return connect(config, System.getenv());
  }

  /** {@link #connect(ElasticsearchSinkConfig)} with the secrets read from {@code env}. */
  public static Connection connect(ElasticsearchSinkConfig config, Map<String, String> env) {
    HttpHost[] hosts = config.urls().stream().map(HttpHost::create).toArray(HttpHost[]::new);
    var builder = RestClient.builder(hosts);
    String apiKey = config.apiKey(env);
    if (apiKey != null) {
      builder.setDefaultHeaders(
          new Header[] {new BasicHeader("Authorization", "ApiKey " + apiKey)});
    } else if (config.username() != null) {
      String basic =
          Base64.getEncoder()
              .encodeToString(
                  (config.username() + ":" + config.password(env))
                      .getBytes(StandardCharsets.UTF_8));
      builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "Basic " + basic)});
    }
    return new Connection(builder.build());
  }
}
