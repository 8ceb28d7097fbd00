package io.leaverwatch.ingest.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.read.Connectors;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.PageSource;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.http.JsonEvents;
import io.leaverwatch.ingest.http.MalformedPageException;
import io.leaverwatch.ingest.http.RawEvent;
import io.leaverwatch.ingest.state.Checkpoint;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Log files delivered to S3: CloudTrail's {@code
 * AWSLogs/.../CloudTrail/{region}/YYYY/MM/DD/*.json.gz} (one event per {@code Records} element,
 * bytes kept as delivered) and GitHub's streamed audit log (gzipped NDJSON). Keys are only ordered
 * within one account/region folder, so the connector finds those folders ("partitions": the level
 * above the year folders) and resumes each on its own. One object is one page.
 *
 * <p>A file can arrive late, under a key that sorts before keys already read (CloudTrail delivers
 * up to ~15 minutes late). So each partition is listed from a floor that trails the newest keys:
 * the keys read whose {@code LastModified} is within the lookback window are kept (and skipped when
 * listed again), and the floor moves past a key only once it has aged out of the window, or when
 * more than {@code lookbackKeys} are kept, and never past a key listed but not read yet.
 *
 * <p>An object is decompressed as a stream and read to at most {@code maxObjectBytes}; a larger one
 * (or a gzip bomb) is not held in memory but becomes a rejected record with its reason and first
 * bytes, and the connector goes on with the next key.
 */
public final class S3LogFileSource implements PageSource {
  /** Default cap on an object's (decompressed) size. */
  public static final long DEFAULT_MAX_OBJECT_BYTES = 256L << 20;

  /** Default window of {@code LastModified} within which keys are listed again. */
  public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);

  /** Default most keys kept per partition for the lookback. */
  public static final int DEFAULT_LOOKBACK_KEYS = 10_000;

  private static final Pattern YEAR = Pattern.compile(".*(^|/)\\d{4}/$");
  private static final String PARTITION = "after:";
  private static final String SEEN = "seen:";
  private static final int MAX_DEPTH = 8;
  private static final int HEAD_BYTES = 4096;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String sourceHint;
  private final IngestLog log;
  private final Clock clock;
  private final Duration lookback;
  private final int lookbackKeys;
  private final long maxObjectBytes;
  private final Deque<Listed> pending = new ArrayDeque<>();
  private String handedOut;

  /** A key listed and not read yet. */
  private record Listed(String partition, String key, Instant lastModified, Long size) {}

  /**
   * @param sourceHint "cloudtrail" or "github"
   */
  public S3LogFileSource(
      S3Client s3, String bucket, String prefix, String sourceHint, IngestLog log) {
    this(
        s3,
        bucket,
        prefix,
        sourceHint,
        log,
        Clock.systemUTC(),
        DEFAULT_LOOKBACK,
        DEFAULT_LOOKBACK_KEYS,
        DEFAULT_MAX_OBJECT_BYTES);
  }

  /**
   * @param lookback how long after its {@code LastModified} a read key is still listed again
   * @param lookbackKeys most keys kept per partition for the lookback (bounds the state)
   * @param maxObjectBytes largest object, after decompression, that is read
   */
  public S3LogFileSource(
      S3Client s3,
      String bucket,
      String prefix,
      String sourceHint,
      IngestLog log,
      Clock clock,
      Duration lookback,
      int lookbackKeys,
      long maxObjectBytes) {
    if (lookback.isNegative()) {
      throw new IllegalArgumentException("lookback must not be negative: " + lookback);
    }
    if (lookbackKeys < 1 || maxObjectBytes < 1) {
      throw new IllegalArgumentException("lookback keys and the object cap must be positive");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
    this.sourceHint = sourceHint;
    this.log = log;
    this.clock = clock;
    this.lookback = lookback;
    this.lookbackKeys = lookbackKeys;
    this.maxObjectBytes = maxObjectBytes;
  }

  @Override
  public String connector() {
    return Connectors.S3;
  }

  @Override
  public String key() {
    return "s3-" + bucket + "-" + prefix;
  }

  @Override
  public String source() {
    return sourceHint;
  }

  @Override
  public Checkpoint initial() {
    return Checkpoint.at("");
  }

  @Override
  public Page fetch(Checkpoint at) throws SourceException {
    try {
      if (handedOut != null && !handedOut.equals(at.position())) {
        // The previous object never reached the sink: list again from the confirmed keys.
        pending.clear();
      }
      handedOut = null;
      if (pending.isEmpty()) {
        listNew(at);
      }
      if (pending.isEmpty()) {
        return new Page(List.of(), at, true);
      }
      Listed next = pending.poll();
      List<Event> events = read(next);
      handedOut = next.key();
      return new Page(events, afterReading(at, next), false);
    } catch (SdkException | UncheckedIOException e) {
      pending.clear();
      throw new SourceException("S3 bucket " + bucket + ": " + e.getMessage(), true, e);
    }
  }

  /**
   * The checkpoint once {@code read} is delivered: the key joins its partition's kept keys, and the
   * floor moves past the oldest kept keys that left the window (or exceed the count), stopping at
   * the first key of the partition still waiting to be read.
   */
  private Checkpoint afterReading(Checkpoint at, Listed read) {
    String partition = read.partition();
    TreeMap<String, Long> seen = seen(at, partition);
    seen.put(read.key(), read.lastModified() == null ? 0L : read.lastModified().toEpochMilli());
    String floor = at.get(PARTITION + partition);
    // A partition's keys are listed together and in key order, so the next one waiting, if any,
    // is at the head of the queue.
    Listed head = pending.peek();
    String waiting = head != null && head.partition().equals(partition) ? head.key() : null;
    long oldest = clock.instant().minus(lookback).toEpochMilli();
    while (!seen.isEmpty()) {
      Map.Entry<String, Long> first = seen.firstEntry();
      boolean aged = first.getValue() < oldest || seen.size() > lookbackKeys;
      if (!aged || (waiting != null && first.getKey().compareTo(waiting) > 0)) {
        break;
      }
      floor = first.getKey();
      seen.pollFirstEntry();
    }
    Checkpoint cp =
        new Checkpoint(read.key(), java.util.Set.of(), at.extra())
            .with(PARTITION + partition, floor)
            .with(SEEN + partition, seen.isEmpty() ? null : encodeSeen(seen));
    return cp;
  }

  private static TreeMap<String, Long> seen(Checkpoint at, String partition) {
    TreeMap<String, Long> m = new TreeMap<>();
    String json = at.get(SEEN + partition);
    if (json == null) {
      return m;
    }
    try {
      MAPPER
          .readTree(json)
          .fields()
          .forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    } catch (IOException e) {
      throw new UncheckedIOException("state holds unreadable keys for " + partition, e);
    }
    return m;
  }

  private static String encodeSeen(TreeMap<String, Long> seen) {
    ObjectNode n = MAPPER.createObjectNode();
    seen.forEach(n::put);
    return n.toString();
  }

  private void listNew(Checkpoint at) {
    List<String> partitions = new ArrayList<>();
    findPartitions(prefix, 0, partitions);
    for (String partition : partitions) {
      String after = at.get(PARTITION + partition);
      TreeMap<String, Long> seen = seen(at, partition);
      String token = null;
      do {
        ListObjectsV2Request.Builder req =
            ListObjectsV2Request.builder().bucket(bucket).prefix(partition);
        if (after != null && !after.isEmpty()) {
          req.startAfter(after);
        }
        if (token != null) {
          req.continuationToken(token);
        }
        ListObjectsV2Response resp = s3.listObjectsV2(req.build());
        for (S3Object o : resp.contents()) {
          if (isLogFile(o.key()) && !seen.containsKey(o.key())) {
            pending.add(new Listed(partition, o.key(), o.lastModified(), o.size()));
          }
        }
        token = Boolean.TRUE.equals(resp.isTruncated()) ? resp.nextContinuationToken() : null;
      } while (token != null);
    }
  }

  private void findPartitions(String p, int depth, List<String> out) {
    List<String> children = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder req =
          ListObjectsV2Request.builder().bucket(bucket).prefix(p).delimiter("/");
      if (token != null) {
        req.continuationToken(token);
      }
      ListObjectsV2Response resp = s3.listObjectsV2(req.build());
      for (CommonPrefix cp : resp.commonPrefixes()) {
        children.add(cp.prefix());
      }
      token = Boolean.TRUE.equals(resp.isTruncated()) ? resp.nextContinuationToken() : null;
    } while (token != null);
    if (children.isEmpty()
        || depth >= MAX_DEPTH
        || children.stream().anyMatch(c -> YEAR.matcher(c).matches())) {
      out.add(p);
      return;
    }
    for (String c : children) {
      // Digest files prove integrity; they hold no events.
      if (!c.endsWith("CloudTrail-Digest/")) {
        findPartitions(c, depth + 1, out);
      }
    }
  }

  private static boolean isLogFile(String key) {
    return !key.endsWith("/")
        && !key.contains("/CloudTrail-Digest/")
        && (key.endsWith(".json.gz")
            || key.endsWith(".json")
            || key.endsWith(".ndjson")
            || key.endsWith(".ndjson.gz")
            || key.endsWith(".log.gz")
            || key.endsWith(".gz"));
  }

  private List<Event> read(Listed listed) {
    String key = listed.key();
    String origin = "s3://" + bucket + "/" + key;
    byte[] raw;
    Capped content;
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build())) {
      BufferedInputStream body = new BufferedInputStream(in);
      body.mark(2);
      int b0 = body.read();
      int b1 = body.read();
      body.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      try {
        content = readCapped(gzip ? new GZIPInputStream(body, 64 * 1024) : body, maxObjectBytes);
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        in.abort();
        if (!gzip) {
          throw e;
        }
        log.warn("rejected " + origin + ": not readable gzip (" + e.getMessage() + ")");
        return List.of(
            rejected(
                "S3 object is not readable gzip: " + e.getMessage(), new byte[0], origin, key));
      }
      if (content.over()) {
        // Not drained: a 3 GB body is dropped with the connection, not downloaded.
        in.abort();
        String reason =
            "S3 object "
                + (gzip ? "decompresses to" : "is")
                + " more than "
                + maxObjectBytes
                + " bytes (the s3 max_object_bytes cap); not read, its first "
                + content.bytes().length
                + " bytes are kept";
        log.warn("rejected " + origin + ": " + reason);
        return List.of(rejected(reason, content.bytes(), origin, key));
      }
      raw = content.bytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + origin + " failed: " + e.getMessage(), e);
    }
    return split(raw, origin, key);
  }

  private static Event rejected(String reason, byte[] head, String origin, String key) {
    return new Event(null, null, head, origin, key + "#whole", reason);
  }

  /**
   * Up to {@code cap} bytes of {@code in}, or with {@code over} (there was more) only the first
   * bytes.
   */
  private record Capped(byte[] bytes, boolean over) {}

  static Capped readCapped(InputStream in, long cap) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      if (head.size() < HEAD_BYTES) {
        head.write(buf, 0, Math.min(n, HEAD_BYTES - head.size()));
      }
      if (total + n > cap) {
        return new Capped(head.toByteArray(), true);
      }
      out.write(buf, 0, n);
      total += n;
    }
    return new Capped(out.toByteArray(), false);
  }

  private List<Event> split(byte[] content, String origin, String key) {
    List<RawEvent> parsed;
    try {
      parsed =
          firstNonBlank(content) == '{' && looksLikeRecordsFile(content)
              ? JsonEvents.splitField(content, "Records")
              : JsonEvents.splitLines(new ByteArrayInputStream(content));
    } catch (MalformedPageException e) {
      // Kept whole rather than dropped: the normaliser dead-letters it with the reason.
      log.warn("kept " + origin + " whole: " + e.getMessage());
      return List.of(new Event(null, null, content, origin, key + "#whole"));
    }
    List<Event> out = new ArrayList<>(parsed.size());
    for (int i = 0; i < parsed.size(); i++) {
      RawEvent e = parsed.get(i);
      String id = firstText(e, "eventID", "_document_id");
      out.add(new Event(id, time(e), e.bytes(), origin, key + "#" + i));
    }
    return out;
  }

  private static boolean looksLikeRecordsFile(byte[] content) {
    int n = Math.min(content.length, 64);
    return new String(content, 0, n, java.nio.charset.StandardCharsets.UTF_8)
        .contains("\"Records\"");
  }

  private static String firstText(RawEvent e, String... fields) {
    for (String f : fields) {
      var n = e.tree().get(f);
      if (n != null && n.isValueNode() && !n.isNull()) {
        return n.asText();
      }
    }
    return null;
  }

  private static Instant time(RawEvent e) {
    for (String f : List.of("eventTime", "@timestamp", "created_at")) {
      var n = e.tree().get(f);
      if (n == null) {
        continue;
      }
      if (n.isNumber()) {
        return Instant.ofEpochMilli(n.asLong());
      }
      try {
        return Instant.parse(n.asText());
      } catch (DateTimeParseException ignored) {
        // lag only
      }
    }
    return null;
  }

  private static int firstNonBlank(byte[] b) {
    for (byte x : b) {
      if (!Character.isWhitespace(x)) {
        return x;
      }
    }
    return -1;
  }

  /** For tests: the partitions last-key map held in a checkpoint. */
  public static Map<String, String> lastKeys(Checkpoint cp) {
    java.util.TreeMap<String, String> m = new java.util.TreeMap<>();
    cp.extra()
        .forEach(
            (k, v) -> {
              if (k.startsWith(PARTITION)) {
                m.put(k.substring(PARTITION.length()), v);
              }
            });
    return m;
  }
}
