package io.leaverwatch.ingest.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.ingest.FakeHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Serves CloudTrail LookupEvents and an S3 bucket of trail files on 127.0.0.1 for trying the CLI by
 * hand: {@code FakeAwsMain CLOUDTRAIL_NDJSON}; events are shifted to the last hour.
 */
public final class FakeAwsMain {
  private FakeAwsMain() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper m = new ObjectMapper();
    FakeCloudTrailApi ct = new FakeCloudTrailApi(50);
    FakeS3 s3 = new FakeS3("trail-bucket", 100);
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    Instant now = Instant.now();
    StringBuilder file = new StringBuilder("{\"Records\":[");
    int n = 0;
    for (String line : lines) {
      JsonNode e = m.readTree(line);
      if (!e.hasNonNull("eventID")) {
        continue;
      }
      Instant t = now.minusSeconds(3600 - n * 5L);
      ct.events.add(new FakeCloudTrailApi.Stored(e.get("eventID").asText(), t, line));
      file.append(n++ > 0 ? "," : "").append(line);
    }
    s3.put(
        "AWSLogs/751353041310/CloudTrail/us-east-1/2024/07/30/751353041310_CloudTrail_us-east-1_20240730T2130Z_x.json.gz",
        FakeS3.gzip(file.append("]}").toString()));
    FakeHttpServer ctServer = new FakeHttpServer(Clock.systemUTC(), ct);
    FakeHttpServer s3Server = new FakeHttpServer(Clock.systemUTC(), s3);
    System.out.println(ctServer.baseUrl() + " " + s3Server.baseUrl() + " " + n + " events");
    Thread.currentThread().join();
  }
}
