package io.leaverwatch.ingest.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.ingest.PageSource;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.state.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/**
 * CloudTrail LookupEvents for one region. LookupEvents pages newest first, so the connector reads
 * closed time windows [start, end]: it pages a window to the end with NextToken (the token is the
 * cursor), then opens the next window.
 *
 * <p>A window closes {@code settle} behind now, but CloudTrail makes an event searchable up to ~15
 * minutes after it happened, later than a short settle. So each new window starts {@code overlap}
 * before the previous one ended and reads that stretch again: the ids of the events delivered in it
 * travel in the checkpoint (only those, so the state stays bounded) and are dropped the second
 * time, while an event that showed up late is delivered then.
 */
public final class CloudTrailLookupSource implements PageSource {
  /** Default stretch re-read before each window: CloudTrail's delivery delay, up to ~15 min. */
  public static final Duration DEFAULT_OVERLAP = Duration.ofMinutes(15);

  private static final String START = "start";
  private static final String END = "end";
  private static final String LAST_END = "last_end";
  private static final String RECENT = "recent_ids";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final CloudTrailClient client;
  private final String region;
  private final String origin;
  private final Instant since;
  private final Duration settle;
  private final Duration overlap;
  private final Clock clock;

  /** A source re-reading {@link #DEFAULT_OVERLAP} before each window. */
  public CloudTrailLookupSource(
      CloudTrailClient client,
      String region,
      String origin,
      Instant since,
      Duration settle,
      Clock clock) {
    this(client, region, origin, since, settle, DEFAULT_OVERLAP, clock);
  }

  /**
   * @param settle how far behind now a window closes: CloudTrail makes events searchable minutes
   *     after they happen
   * @param overlap how much before its predecessor's end a window starts, so events that became
   *     searchable after their window was read are still found: settle plus overlap should reach
   *     CloudTrail's delivery delay (~15 min)
   */
  public CloudTrailLookupSource(
      CloudTrailClient client,
      String region,
      String origin,
      Instant since,
      Duration settle,
      Duration overlap,
      Clock clock) {
    if (overlap.isNegative()) {
      throw new IllegalArgumentException("overlap must not be negative: " + overlap);
    }
    this.client = client;
    this.region = region;
    this.origin = origin;
    this.since = since;
    this.settle = settle;
    this.overlap = overlap;
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
      Instant lastEnd = at.get(LAST_END) == null ? start : Instant.parse(at.get(LAST_END));
      if (!end.isAfter(lastEnd) || !end.isAfter(start)) {
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
    Map<String, Long> recent = recent(at, start);
    List<Event> events = new ArrayList<>();
    String cursor = at.position().isEmpty() ? "window " + start + "/" + end : at.position();
    for (var e : resp.events()) {
      if (e.cloudTrailEvent() == null) {
        continue;
      }
      // Events at the window's edges can show up again: their ids (with the event's time, to know
      // when to forget them) join the ids the loop drops.
      recent.putIfAbsent(
          e.eventId(),
          e.eventTime() == null ? end.getEpochSecond() : e.eventTime().getEpochSecond());
      events.add(
          new Event(
              e.eventId(),
              e.eventTime(),
              e.cloudTrailEvent().getBytes(StandardCharsets.UTF_8),
              origin,
              cursor));
    }
    if (resp.nextToken() != null && !resp.nextToken().isEmpty()) {
      // The next page drops this page's ids (pages can shift while events arrive); the state keeps
      // only the ids of the two stretches that are read twice: the start of this window, which the
      // previous one read, and its last `overlap`, which the next one reads again.
      Set<String> boundary = new LinkedHashSet<>(recent.keySet());
      long readBefore =
          at.get(LAST_END) == null
              ? Long.MIN_VALUE
              : Instant.parse(at.get(LAST_END)).getEpochSecond();
      long readAgainFrom = end.minus(overlap).getEpochSecond();
      recent.values().removeIf(t -> t > readBefore && t < readAgainFrom);
      Checkpoint next =
          Checkpoint.at(resp.nextToken())
              .withBoundary(boundary)
              .with(START, start.toString())
              .with(END, end.toString())
              .with(LAST_END, at.get(LAST_END))
              .with(RECENT, encode(recent));
      return new Page(events, next, false);
    }
    Instant nextStart = end.minus(overlap);
    if (nextStart.isBefore(start)) {
      nextStart = start;
    }
    long keepFrom = nextStart.getEpochSecond();
    recent.values().removeIf(t -> t < keepFrom);
    Checkpoint next =
        Checkpoint.at("")
            .withBoundary(recent.keySet())
            .with(START, nextStart.toString())
            .with(LAST_END, end.toString())
            .with(RECENT, encode(recent));
    return new Page(events, next, true);
  }

  /**
   * The ids delivered in the stretch being read, with their event times (epoch seconds); from a
   * checkpoint written before they were kept, its boundary ids at the window's start.
   */
  private static Map<String, Long> recent(Checkpoint at, Instant start) {
    Map<String, Long> m = new LinkedHashMap<>();
    String json = at.get(RECENT);
    if (json == null) {
      at.boundaryIds().forEach(id -> m.put(id, start.getEpochSecond()));
      return m;
    }
    try {
      MAPPER
          .readTree(json)
          .fields()
          .forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    } catch (IOException e) {
      throw new UncheckedIOException("state holds unreadable CloudTrail event ids", e);
    }
    return m;
  }

  private static String encode(Map<String, Long> recent) {
    ObjectNode n = MAPPER.createObjectNode();
    recent.forEach(n::put);
    return n.toString();
  }
}
