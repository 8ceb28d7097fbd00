package io.leaverwatch.ingest.aws;

import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.FakeHttpServer.Reply;
import io.leaverwatch.ingest.FakeHttpServer.Request;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * The path-style S3 REST calls the connector makes: ListObjectsV2 (prefix, delimiter, start-after,
 * continuation-token, max-keys; keys in UTF-8 order) and GetObject.
 */
final class FakeS3 implements FakeHttpServer.Route {
  final String bucket;
  final TreeMap<String, byte[]> objects = new TreeMap<>();
  final int pageSize;
  final List<String> gets = new ArrayList<>();
  final Map<String, java.time.Instant> modified = new java.util.HashMap<>();

  /** The LastModified the next {@link #put} records. */
  java.time.Instant nextModified = java.time.Instant.parse("2026-03-01T00:00:00Z");

  FakeS3(String bucket, int pageSize) {
    this.bucket = bucket;
    this.pageSize = pageSize;
  }

  synchronized void put(String key, byte[] content) {
    objects.put(key, content);
    modified.put(key, nextModified);
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  @Override
  public synchronized Reply answer(Request r) {
    if (r.header("Authorization") == null) {
      return xml(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
    }
    String path = URLDecoder.decode(r.uri().getRawPath(), StandardCharsets.UTF_8);
    if (!path.startsWith("/" + bucket)) {
      return xml(404, "<Error><Code>NoSuchBucket</Code><Message>no bucket</Message></Error>");
    }
    String rest = path.substring(bucket.length() + 1);
    if (rest.isEmpty() || rest.equals("/")) {
      return list(RateLimitedHttp.query(r.uri()));
    }
    String key = rest.substring(1);
    byte[] body = objects.get(key);
    if (body == null) {
      return xml(404, "<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>");
    }
    gets.add(key);
    return new Reply(
        200,
        Map.of("Content-Type", "application/octet-stream", "ETag", "\"e" + key.hashCode() + "\""),
        body);
  }

  private Reply list(Map<String, String> q) {
    String prefix = q.getOrDefault("prefix", "");
    String delimiter = q.get("delimiter");
    String after = q.get("start-after");
    String token = q.get("continuation-token");
    String from = token != null ? token : after;
    List<String> keys = new ArrayList<>();
    TreeSet<String> common = new TreeSet<>();
    for (String k : objects.keySet()) {
      if (!k.startsWith(prefix) || (from != null && k.compareTo(from) <= 0)) {
        continue;
      }
      if (delimiter != null) {
        int d = k.indexOf(delimiter, prefix.length());
        if (d >= 0) {
          common.add(k.substring(0, d + 1));
          continue;
        }
      }
      keys.add(k);
    }
    boolean truncated = delimiter == null && keys.size() > pageSize;
    if (truncated) {
      keys = keys.subList(0, pageSize);
    }
    StringBuilder x =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">")
            .append("<Name>")
            .append(bucket)
            .append("</Name>")
            .append("<Prefix>")
            .append(prefix)
            .append("</Prefix>")
            .append("<KeyCount>")
            .append(keys.size() + common.size())
            .append("</KeyCount>")
            .append("<MaxKeys>1000</MaxKeys>")
            .append("<IsTruncated>")
            .append(truncated)
            .append("</IsTruncated>");
    for (String k : keys) {
      x.append("<Contents><Key>")
          .append(k)
          .append("</Key>")
          .append("<LastModified>")
          .append(modified.getOrDefault(k, java.time.Instant.parse("2026-03-01T00:00:00Z")))
          .append("</LastModified>")
          .append("<ETag>&quot;e</ETag><Size>")
          .append(objects.get(k).length)
          .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    for (String c : common) {
      x.append("<CommonPrefixes><Prefix>").append(c).append("</Prefix></CommonPrefixes>");
    }
    if (truncated) {
      x.append("<NextContinuationToken>")
          .append(keys.get(keys.size() - 1))
          .append("</NextContinuationToken>");
    }
    x.append("</ListBucketResult>");
    return xml(200, x.toString());
  }

  static Reply xml(int status, String body) {
    return new Reply(
        status, Map.of("Content-Type", "application/xml"), body.getBytes(StandardCharsets.UTF_8));
  }
}
