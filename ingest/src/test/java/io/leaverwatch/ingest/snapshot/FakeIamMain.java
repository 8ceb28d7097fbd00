package io.leaverwatch.ingest.snapshot;

import io.leaverwatch.ingest.FakeHttpServer;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * Serves the IAM query API on 127.0.0.1 for trying {@code ingest snapshots --system aws} by hand.
 */
public final class FakeIamMain {
  private FakeIamMain() {}

  public static void main(String[] args) throws Exception {
    FakeIamApi api = new FakeIamApi(Set.of("alice"));
    api.keys.put("alice", Map.of("AKIAALICE0000001", "Active"));
    api.keys.put("bob", Map.of("AKIABOB000000001", "Inactive"));
    api.keys.put("carol", Map.of());
    FakeHttpServer server = new FakeHttpServer(Clock.systemUTC(), api);
    System.out.println(server.baseUrl());
    Thread.currentThread().join();
  }
}
