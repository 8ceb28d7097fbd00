package io.leaverwatch.ingest.aws;

import io.leaverwatch.ingest.PageSource;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.state.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/**
 * CloudTrail LookupEvents for one region. LookupEvents pages newest first, so the connector reads
 * closed time windows [start, end]: it pages a window to the end with NextToken (the token is the
 * cursor), then opens the next window at the old end. Events in the window's last second can show
 * up in both windows; their ids travel in the checkpoint and are dropped the second time.
 */
public final class CloudTrailLookupSource implements PageSource {
  private static final String START = "start";
  private static final String END = "end";
  private static final String EDGE = "edge_ids";
  private static final String NEW_EDGE = "new_edge_ids";

  private final CloudTrailClient client;
  private final String region;
  private final String origin;
  private final Instant since;
  private final Duration settle;
  private final Clock clock;

  /**
   * @param settle how far behind now a window closes: CloudTrail makes events searchable minutes
   *     after they happen, and a closed window is never read again
   */
  public CloudTrailLookupSource(
      CloudTrailClient client,
      String region,
      String origin,
      Instant since,
      Duration settle,
      Clock clock) {
    this.client = client;
    this.region = region;
    this.origin = origin;
    this.since = since;
    this.settle = settle;
    this.clock = clock;
  }

  @Override
  public String key() {
    return "cloudtrail-" + region;
  }

  @Override
  public String source() {
    return "cloudtrail";
  }

  @Override
  public Checkpoint initial() {
    Instant start = since != null ? since : clock.instant().minus(Duration.ofDays(90));
    return Checkpoint.at("").with(START, start.toString());
  }

  @Override
  public Page fetch(Checkpoint at) throws SourceException {
    Instant start = Instant.parse(at.get(START));
    Instant end;
    if (at.get(END) == null) {
      end = clock.instant().minus(settle).truncatedTo(ChronoUnit.SECONDS);
      if (!end.isAfter(start)) {
        return new Page(List.of(), at, true);
      }
    } else {
      end = Instant.parse(at.get(END));
    }
    LookupEventsRequest.Builder req =
        LookupEventsRequest.builder().startTime(start).endTime(end).maxResults(50);
    if (!at.position().isEmpty()) {
      req.nextToken(at.position());
    }
    LookupEventsResponse resp;
    try {
      resp = client.lookupEvents(req.build());
    } catch (SdkException e) {
      // The SDK already retried throttling and 5xx; what is left is retryable later unless AWS
      // refused the request itself (credentials, permissions, a bad parameter).
      boolean refused =
          e instanceof AwsServiceException ase
              && ase.statusCode() >= 400
              && ase.statusCode() < 500
              && !ase.isThrottlingException();
      boolean retryable = e.retryable() || !refused;
      throw new SourceException(
          "CloudTrail LookupEvents in " + region + " failed: " + e.getMessage(), retryable, e);
    }
    Set<String> newEdge = new LinkedHashSet<>(split(at.get(NEW_EDGE)));
    Set<String> ids = new LinkedHashSet<>();
    List<Event> events = new ArrayList<>();
    Instant edgeFrom = end.minusSeconds(1);
    String cursor = at.position().isEmpty() ? "window " + start + "/" + end : at.position();
    for (var e : resp.events()) {
      if (e.cloudTrailEvent() == null) {
        continue;
      }
      ids.add(e.eventId());
      if (e.eventTime() != null && !e.eventTime().isBefore(edgeFrom)) {
        newEdge.add(e.eventId());
      }
      events.add(
          new Event(
              e.eventId(),
              e.eventTime(),
              e.cloudTrailEvent().getBytes(StandardCharsets.UTF_8),
              origin,
              cursor));
    }
    Set<String> edge = new LinkedHashSet<>(split(at.get(EDGE)));
    if (resp.nextToken() != null && !resp.nextToken().isEmpty()) {
      Set<String> boundary = new LinkedHashSet<>(edge);
      boundary.addAll(ids);
      Checkpoint next =
          Checkpoint.at(resp.nextToken())
              .withBoundary(boundary)
              .with(START, start.toString())
              .with(END, end.toString())
              .with(EDGE, String.join(",", edge))
              .with(NEW_EDGE, String.join(",", newEdge));
      return new Page(events, next, false);
    }
    Checkpoint next =
        Checkpoint.at("")
            .withBoundary(newEdge)
            .with(START, end.toString())
            .with(EDGE, String.join(",", newEdge));
    return new Page(events, next, true);
  }

  private static List<String> split(String s) {
    return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
  }
}
