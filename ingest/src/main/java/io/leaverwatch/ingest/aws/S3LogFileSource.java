package io.leaverwatch.ingest.aws;

import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.PageSource;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.http.JsonEvents;
import io.leaverwatch.ingest.http.MalformedPageException;
import io.leaverwatch.ingest.http.RawEvent;
import io.leaverwatch.ingest.state.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Log files delivered to S3: CloudTrail's {@code
 * AWSLogs/.../CloudTrail/{region}/YYYY/MM/DD/*.json.gz} (one event per {@code Records} element,
 * bytes kept as delivered) and GitHub's streamed audit log (gzipped NDJSON). Keys are only ordered
 * within one account/region folder, so the connector finds those folders ("partitions": the level
 * above the year folders) and keeps one "last key" per partition, resuming each with StartAfter.
 * One object is one page.
 */
public final class S3LogFileSource implements PageSource {
  private static final Pattern YEAR = Pattern.compile(".*(^|/)\\d{4}/$");
  private static final String PARTITION = "after:";
  private static final int MAX_DEPTH = 8;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String sourceHint;
  private final IngestLog log;
  private final Deque<String[]> pending = new ArrayDeque<>();
  private String handedOut;

  /**
   * @param sourceHint "cloudtrail" or "github"
   */
  public S3LogFileSource(
      S3Client s3, String bucket, String prefix, String sourceHint, IngestLog log) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
    this.sourceHint = sourceHint;
    this.log = log;
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
      String[] next = pending.poll();
      String partition = next[0];
      String key = next[1];
      List<Event> events = read(key);
      handedOut = key;
      Checkpoint cp =
          new Checkpoint(key, java.util.Set.of(), at.extra()).with(PARTITION + partition, key);
      return new Page(events, cp, false);
    } catch (SdkException e) {
      pending.clear();
      throw new SourceException("S3 bucket " + bucket + ": " + e.getMessage(), true, e);
    }
  }

  private void listNew(Checkpoint at) {
    List<String> partitions = new ArrayList<>();
    findPartitions(prefix, 0, partitions);
    for (String partition : partitions) {
      String after = at.get(PARTITION + partition);
      String token = null;
      do {
        ListObjectsV2Request.Builder req =
            ListObjectsV2Request.builder().bucket(bucket).prefix(partition);
        if (after != null) {
          req.startAfter(after);
        }
        if (token != null) {
          req.continuationToken(token);
        }
        ListObjectsV2Response resp = s3.listObjectsV2(req.build());
        for (S3Object o : resp.contents()) {
          if (isLogFile(o.key())) {
            pending.add(new String[] {partition, o.key()});
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

  private List<Event> read(String key) {
    byte[] raw =
        s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build())
            .asByteArray();
    String origin = "s3://" + bucket + "/" + key;
    byte[] content;
    try {
      content = gunzipIfNeeded(raw);
    } catch (IOException e) {
      log.warn("kept " + origin + " whole: not readable gzip (" + e.getMessage() + ")");
      return List.of(new Event(null, null, raw, origin, key + "#whole"));
    }
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

  static byte[] gunzipIfNeeded(byte[] raw) throws IOException {
    if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        return in.readAllBytes();
      }
    }
    return raw;
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
