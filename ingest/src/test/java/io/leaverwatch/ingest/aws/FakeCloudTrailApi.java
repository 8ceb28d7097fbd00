package io.leaverwatch.ingest.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.FakeHttpServer.Reply;
import io.leaverwatch.ingest.FakeHttpServer.Request;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Speaks the CloudTrail JSON 1.1 protocol for LookupEvents: POST /, X-Amz-Target, StartTime and
 * EndTime (inclusive, epoch seconds), MaxResults, an opaque NextToken, newest events first, and the
 * event itself as the CloudTrailEvent JSON string.
 */
final class FakeCloudTrailApi implements FakeHttpServer.Route {
  static final String TARGET =
      "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Stored(String id, Instant time, String json) {}

  final List<Stored> events = new ArrayList<>();
  final List<JsonNode> lookups = new ArrayList<>();
  final int pageSize;

  FakeCloudTrailApi(int pageSize) {
    this.pageSize = pageSize;
  }

  /** A management event shaped like the Stratus Red Team detonation logs. */
  synchronized String add(String id, Instant time, String eventName) {
    String json =
        "{\"awsRegion\": \"us-east-1\", \"eventCategory\": \"Management\", \"eventID\": \""
            + id
            + "\", \"eventName\": \""
            + eventName
            + "\", \"eventSource\": \"iam.amazonaws.com\", \"eventTime\": \""
            + time
            + "\", \"eventType\": \"AwsApiCall\", \"eventVersion\": \"1.09\", \"managementEvent\": true,"
            + " \"readOnly\": false, \"recipientAccountId\": \"751353041310\", \"userIdentity\":"
            + " {\"type\": \"IAMUser\", \"userName\": \"alice\", \"accountId\": \"751353041310\"}}";
    events.add(new Stored(id, time, json));
    return json;
  }

  @Override
  public synchronized Reply answer(Request r) throws IOException {
    if (!"POST".equals(r.method()) || !TARGET.equals(r.header("X-Amz-Target"))) {
      return new Reply(
          400,
          Map.of("Content-Type", "application/x-amz-json-1.1"),
          "{\"__type\":\"UnknownOperationException\"}".getBytes());
    }
    if (r.header("Authorization") == null
        || !r.header("Authorization").startsWith("AWS4-HMAC-SHA256")) {
      return json(
          400, "{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"no sig\"}");
    }
    JsonNode req = MAPPER.readTree(r.body());
    lookups.add(req);
    Instant start = seconds(req.get("StartTime"));
    Instant end = seconds(req.get("EndTime"));
    List<Stored> match = new ArrayList<>();
    for (Stored s : events) {
      Instant t = s.time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      if ((start == null || !t.isBefore(start)) && (end == null || !t.isAfter(end))) {
        match.add(s);
      }
    }
    match.sort(Comparator.comparing(Stored::time).reversed());
    int from =
        req.hasNonNull("NextToken")
            ? Integer.parseInt(req.get("NextToken").asText().substring(4))
            : 0;
    int max = Math.min(pageSize, req.path("MaxResults").asInt(50));
    int to = Math.min(match.size(), from + max);
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode arr = out.putArray("Events");
    for (Stored s : match.subList(from, to)) {
      ObjectNode e = arr.addObject();
      e.put("EventId", s.id);
      e.put("EventName", "CreateAccessKey");
      e.put("ReadOnly", "false");
      e.put("EventTime", s.time.getEpochSecond() + s.time.getNano() / 1e9);
      e.put("EventSource", "iam.amazonaws.com");
      e.put("Username", "alice");
      e.putArray("Resources");
      e.put("CloudTrailEvent", s.json);
    }
    if (to < match.size()) {
      out.put("NextToken", "tok-" + to);
    }
    return json(200, MAPPER.writeValueAsString(out));
  }

  static Reply json(int status, String body) {
    return new Reply(status, Map.of("Content-Type", "application/x-amz-json-1.1"), body.getBytes());
  }

  private static Instant seconds(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    double d = n.asDouble();
    return Instant.ofEpochMilli(Math.round(d * 1000));
  }
}
