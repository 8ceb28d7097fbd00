package io.leaverwatch.ingest.github;

import io.leaverwatch.ingest.FakeHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Serves a GitHub org audit log on 127.0.0.1 for trying the CLI by hand: {@code FakeGitHubMain
 * TOKEN ORG PAGE_SIZE NDJSON_FILE...}; prints the base URL and runs until killed.
 */
public final class FakeGitHubMain {
  private FakeGitHubMain() {}

  public static void main(String[] args) throws Exception {
    FakeGitHubAuditApi api = new FakeGitHubAuditApi(args[0], args[1], Integer.parseInt(args[2]));
    for (int i = 3; i < args.length; i++) {
      for (String line : Files.readAllLines(Path.of(args[i]))) {
        if (!line.isBlank()
            && line.contains("\"_document_id\"")
            && line.contains("\"created_at\"")) {
          api.events.add(line);
        }
      }
    }
    FakeHttpServer server = new FakeHttpServer(Clock.systemUTC(), api);
    api.server = server;
    System.out.println(server.baseUrl() + " serving " + api.events.size() + " events");
    Thread.currentThread().join();
  }
}
