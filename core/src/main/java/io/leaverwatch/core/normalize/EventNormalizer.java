package io.leaverwatch.core.normalize;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.json.AuditEventJson;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.core.read.Connectors;
import io.leaverwatch.core.redact.Redactor;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.RawAuditRecord;
import io.leaverwatch.schema.Source;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Turns one {@link RawAuditRecord} into normalised events and rejections. It never throws: bad
 * JSON, wrong types, unknown sources, hostile nesting and internal errors all become a {@link
 * Normalization.Rejection} with a reason and the original bytes.
 *
 * <p>Envelopes are opened before the source is detected: CloudTrail S3 files ({@code Records}),
 * EventBridge ({@code detail}), Okta event hooks ({@code data.events}), GitHub Enterprise syslog
 * lines ({@code message: "... github_audit: {json}"}) and labelled rule tests ({@code log}). An
 * already-normalised AuditEvent line (as {@link AuditEventJson} writes it) passes through, but only
 * from an input the user marked as normalised ({@code connector} "normalised", or none: local files
 * and records from before connectors were recorded): anyone who can write to an ingested bucket or
 * an audited system could otherwise forge a finished event, say the approved automation's
 * deactivation that closes a RETAINED_ACCESS deadline.
 *
 * <p>The connector that fetched a record decides its source: a record from an API or S3 connector
 * that names its source is read as that source only, and one that looks like another source is
 * rejected.
 */
public final class EventNormalizer {
  private static final int MAX_ENVELOPE_DEPTH = 4;
  private static final String GITHUB_SYSLOG_MARKER = "github_audit:";

  private final CloudTrailNormalizer cloudTrail;
  private final OktaNormalizer okta;
  private final GitHubNormalizer gitHub;
  private final EventIds ids = new EventIds();

  public EventNormalizer(ActionClassifier classifier) {
    this.cloudTrail = new CloudTrailNormalizer(classifier);
    this.okta = new OktaNormalizer(classifier);
    this.gitHub = new GitHubNormalizer(classifier);
  }

  public List<Normalization> normalize(RawAuditRecord record) {
    byte[] bytes = bytesOf(record == null ? null : record.getPayload());
    String origin = record == null ? null : record.getOrigin();
    String cursor = record == null ? null : record.getCursor();
    String hint = record == null ? null : record.getSource();
    Context ctx =
        new Context(
            bytes,
            origin,
            cursor,
            hint,
            record == null ? null : record.getConnector(),
            record == null || record.getReceivedAt() == null
                ? Instant.EPOCH
                : record.getReceivedAt());
    String refused = io.leaverwatch.core.read.RejectedRecords.reasonOf(record);
    if (refused != null) {
      return List.of(new Normalization.Rejection(refused, bytes, origin, cursor, null));
    }
    List<Normalization> out = new ArrayList<>(1);
    try {
      JsonNode root = parse(bytes);
      if (!root.isObject()) {
        return List.of(ctx.reject("not a JSON object but " + Fields.typeName(root), null));
      }
      ctx = ctx.withRoot(root);
      open(root, ctx, out, 0, null);
      if (out.isEmpty()) {
        out.add(ctx.reject("envelope holds no events", null));
      }
      return out;
    } catch (RejectedEventException e) {
      out.add(ctx.reject(e.getMessage(), null));
      return out;
    } catch (StackOverflowError e) {
      return List.of(ctx.reject("nesting too deep to process", null));
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // a bug must cost one record, never the stream; the reason says it was ours
      return List.of(
          ctx.reject(
              "internal error: "
                  + e.getClass().getSimpleName()
                  + ": "
                  + Redactor.redact(String.valueOf(e.getMessage())),
              null));
    }
  }

  private static JsonNode parse(byte[] bytes) {
    if (isBlank(bytes)) {
      throw new RejectedEventException("empty record");
    }
    try {
      JsonNode root = Json.treeReader().readTree(bytes);
      if (root == null || root.isMissingNode()) {
        throw new RejectedEventException("empty record");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new RejectedEventException("not accepted: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
      throw new RejectedEventException(
          "not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    } catch (java.io.IOException e) {
      throw new RejectedEventException("not readable: " + e.getMessage());
    }
  }

  private void open(JsonNode node, Context ctx, List<Normalization> out, int depth, String part) {
    if (depth > MAX_ENVELOPE_DEPTH) {
      out.add(ctx.reject("envelopes nested too deep", part));
      return;
    }
    // labelled rule test (Panther / StreamAlert): {"rule":..., "expected":..., "log": {event}}
    JsonNode log = node.get("log");
    if (log != null && log.isObject() && node.has("rule")) {
      open(log, ctx, out, depth + 1, part);
      return;
    }
    if (node.has("event_id") && node.has("action_class") && node.has("source")) {
      if (!Connectors.mayCarryNormalisedEvents(ctx.connector)) {
        out.add(
            ctx.reject(
                "normalised AuditEvent from an untrusted connector ("
                    + ctx.connector
                    + "): accepted only from an input marked as normalised (ingest files"
                    + " --normalised)",
                part));
        return;
      }
      try {
        out.add(new Normalization.Normalized(AuditEventJson.read(node)));
      } catch (IllegalArgumentException e) {
        out.add(ctx.reject("AuditEvent line: " + e.getMessage(), part));
      }
      return;
    }
    JsonNode records = Fields.get(node, "Records");
    if (records != null && records.isArray()) {
      // where each record's text lies in the file, so its raw is the text as received (compacted)
      // rather than the tree written out again: only for the file's own top-level Records array,
      // and only when the scan agrees with the parser on how many records there are
      List<int[]> spans = node == ctx.root ? recordSpans(ctx.bytes) : null;
      if (spans != null && spans.size() != records.size()) {
        spans = null;
      }
      int i = 0;
      for (JsonNode r : records) {
        String p = join(part, "Records[" + i + "]");
        if (!r.isObject()) {
          out.add(ctx.reject("not a JSON object but " + Fields.typeName(r), p));
        } else {
          one(
              r,
              spans == null ? ctx : ctx.withSpan(r, spans.get(i)[0], spans.get(i)[1]),
              out,
              p,
              Source.CLOUDTRAIL);
        }
        i++;
      }
      return;
    }
    JsonNode detail = node.get("detail");
    if (detail != null && detail.isObject() && (node.has("detail-type") || node.has("source"))) {
      open(detail, ctx, out, depth + 1, join(part, "detail"));
      return;
    }
    JsonNode data = node.get("data");
    JsonNode events = data != null && data.isObject() ? data.get("events") : null;
    if (events != null && events.isArray() && isOktaHook(node, events)) {
      int i = 0;
      for (JsonNode ev : events) {
        String p = join(part, "data.events[" + i++ + "]");
        if (!ev.isObject()) {
          out.add(ctx.reject("not a JSON object but " + Fields.typeName(ev), p));
        } else {
          one(ev, ctx, out, p, Source.OKTA);
        }
      }
      return;
    }
    JsonNode message = node.get("message");
    if (message != null && message.isTextual() && !node.has("action")) {
      String m = message.textValue();
      int at = m.indexOf(GITHUB_SYSLOG_MARKER);
      if (at >= 0) {
        String json = m.substring(at + GITHUB_SYSLOG_MARKER.length()).trim();
        JsonNode inner;
        try {
          inner = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
          out.add(
              ctx.reject(
                  "github_audit syslog message is not valid JSON: "
                      + firstLine(e.getOriginalMessage()),
                  join(part, "message")));
          return;
        }
        if (inner == null || !inner.isObject()) {
          out.add(
              ctx.reject(
                  "github_audit syslog message holds no JSON object", join(part, "message")));
          return;
        }
        one(inner, ctx, out, join(part, "message"), Source.GITHUB);
        return;
      }
    }
    one(node, ctx, out, part, null);
  }

  private static List<int[]> recordSpans(byte[] bytes) {
    try {
      return io.leaverwatch.core.json.RecordsArray.locate(bytes);
    } catch (io.leaverwatch.core.json.RecordsArray.NotARecordsDocument e) {
      return null;
    }
  }

  private static boolean isOktaHook(JsonNode node, JsonNode events) {
    JsonNode type = node.get("eventType");
    if (type != null && type.isTextual() && type.textValue().startsWith("com.okta.")) {
      return true;
    }
    for (JsonNode ev : events) {
      return ev.isObject() && Fields.get(ev, "eventType") != null;
    }
    return false;
  }

  private void one(
      JsonNode event, Context ctx, List<Normalization> out, String part, Source expected) {
    Source source = Source.UNKNOWN;
    try {
      String hint = ctx.hint != null ? ctx.hint : enrichmentHint(event);
      JsonNode clean = withoutEnrichment(event);
      source = detect(clean, hint, expected);
      if (source == Source.UNKNOWN) {
        out.add(ctx.reject("unknown source: not a CloudTrail, Okta or GitHub audit event", part));
        return;
      }
      Source declared = Connectors.declaresSource(ctx.connector) ? fromHint(ctx.hint) : null;
      if (declared != null && declared != family(source)) {
        out.add(
            ctx.reject(
                "a "
                    + family(source).name().toLowerCase(Locale.ROOT)
                    + "-shaped event from the "
                    + ctx.hint
                    + " "
                    + ctx.connector
                    + " connector: the connector that fetched a record decides its source",
                part));
        return;
      }
      AuditEvent e;
      switch (source) {
        case CLOUDTRAIL:
        case DYNAMODB:
          e = cloudTrail.normalize(clean, ctx.receivedAt, ids);
          break;
        case OKTA:
          e = okta.normalize(clean, ctx.receivedAt, ids);
          break;
        case GITHUB:
          e = gitHub.normalize(clean, ctx.receivedAt, ids);
          break;
        default:
          throw new IllegalStateException("unhandled source " + source);
      }
      // the common case (one bare event, nothing removed) keeps the source's own text, compacted:
      // cheaper than re-serialising the tree, and number and escape spellings stay as received
      e.setRaw(
          clean == ctx.root
              ? compact(ctx.bytes)
              : clean == ctx.spanNode
                  ? compact(java.util.Arrays.copyOfRange(ctx.bytes, ctx.spanFrom, ctx.spanTo))
                  : Json.mapper().writeValueAsString(clean));
      out.add(new Normalization.Normalized(e));
    } catch (RejectedEventException ex) {
      out.add(ctx.reject(ex.getMessage(), part, source));
    } catch (JsonProcessingException ex) {
      out.add(ctx.reject("cannot serialise raw event: " + ex.getOriginalMessage(), part, source));
    }
  }

  /**
   * Detects the source. CloudTrail goes first because its records also carry an {@code eventType}
   * (AwsApiCall), the key Okta events are recognised by.
   */
  static Source detect(JsonNode e, String hint, Source expected) {
    if (looksLikeCloudTrail(e)) {
      return CloudTrailNormalizer.sourceOf(e);
    }
    if (looksLikeOkta(e)) {
      return Source.OKTA;
    }
    if (looksLikeGitHub(e)) {
      return Source.GITHUB;
    }
    Source fromHint = fromHint(hint);
    if (fromHint == null) {
      fromHint = expected;
    }
    if (fromHint == Source.CLOUDTRAIL) {
      return Fields.get(e, "eventName") != null || Fields.get(e, "eventType") != null
          ? CloudTrailNormalizer.sourceOf(e)
          : Source.UNKNOWN;
    }
    if (fromHint == Source.OKTA) {
      return Fields.get(e, "eventType") != null ? Source.OKTA : Source.UNKNOWN;
    }
    if (fromHint == Source.GITHUB) {
      return Fields.get(e, "action") != null ? Source.GITHUB : Source.UNKNOWN;
    }
    return Source.UNKNOWN;
  }

  private static boolean looksLikeCloudTrail(JsonNode e) {
    return Fields.get(e, "eventVersion") != null
        || Fields.get(e, "eventSource") != null
        || Fields.get(e, "userIdentity") != null
        || (Fields.get(e, "eventName") != null && Fields.get(e, "action") == null);
  }

  private static boolean looksLikeOkta(JsonNode e) {
    JsonNode type = Fields.get(e, "eventType");
    if (type == null || !type.isTextual()) {
      return false;
    }
    return Fields.get(e, "published") != null
        || Fields.get(e, "uuid") != null
        || Fields.get(e, "legacyEventType") != null
        || Fields.get(e, "displayMessage") != null
        || (e.get("actor") != null && e.get("actor").isObject());
  }

  private static boolean looksLikeGitHub(JsonNode e) {
    JsonNode action = e.get("action");
    if (action == null) {
      return false;
    }
    return e.has("@timestamp")
        || e.has("created_at")
        || e.has("actor")
        || e.has("org")
        || e.has("_document_id")
        || e.has("business");
  }

  private static Source family(Source s) {
    return s == Source.DYNAMODB ? Source.CLOUDTRAIL : s;
  }

  private static Source fromHint(String hint) {
    if (hint == null) {
      return null;
    }
    String h = hint.toLowerCase(Locale.ROOT);
    if (h.contains("cloudtrail") || h.equals("aws") || h.contains("dynamodb")) {
      return Source.CLOUDTRAIL;
    }
    if (h.contains("okta")) {
      return Source.OKTA;
    }
    if (h.contains("github")) {
      return Source.GITHUB;
    }
    return null;
  }

  /** Panther's {@code p_log_type} names the source even when a test log has little else. */
  private static String enrichmentHint(JsonNode e) {
    JsonNode t = e.get("p_log_type");
    return t != null && t.isTextual() ? t.textValue() : null;
  }

  /**
   * The event without Panther's {@code p_*} enrichment fields, which are not part of the source.
   */
  private static JsonNode withoutEnrichment(JsonNode e) {
    boolean any = false;
    Iterator<String> names = e.fieldNames();
    while (names.hasNext()) {
      if (names.next().startsWith("p_")) {
        any = true;
        break;
      }
    }
    if (!any) {
      return e;
    }
    ObjectNode copy = ((ObjectNode) e).deepCopy();
    List<String> drop = new ArrayList<>();
    copy.fieldNames()
        .forEachRemaining(
            n -> {
              if (n.startsWith("p_")) {
                drop.add(n);
              }
            });
    copy.remove(drop);
    return copy;
  }

  private static byte[] bytesOf(ByteBuffer buf) {
    if (buf == null) {
      return new byte[0];
    }
    ByteBuffer b = buf.duplicate();
    if (b.hasArray()
        && b.arrayOffset() == 0
        && b.position() == 0
        && b.remaining() == b.array().length) {
      return b.array();
    }
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String l = nl < 0 ? s : s.substring(0, nl);
    return Redactor.redact(l.length() > 200 ? l.substring(0, 200) + "..." : l);
  }

  private static String join(String part, String next) {
    return part == null ? next : part + "." + next;
  }

  /**
   * The JSON text without whitespace outside strings; the input is known to be valid JSON. Audit
   * logs are mostly written compact already, so the common case is one scan and no copy; otherwise
   * the runs between dropped whitespace are copied in bulk.
   */
  static String compact(byte[] json) {
    int n = json.length;
    byte[] out = null;
    int written = 0;
    int runStart = 0;
    int i = 0;
    while (i < n) {
      byte b = json[i];
      if (b == '"') {
        // skip the string body: only a quote not escaped by a backslash ends it
        i++;
        while (i < n) {
          byte c = json[i++];
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            i++;
          }
        }
      } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        if (out == null) {
          out = new byte[n];
        }
        System.arraycopy(json, runStart, out, written, i - runStart);
        written += i - runStart;
        runStart = ++i;
      } else {
        i++;
      }
    }
    if (out == null) {
      return new String(json, java.nio.charset.StandardCharsets.UTF_8);
    }
    int tail = Math.min(i, n) - runStart;
    System.arraycopy(json, runStart, out, written, tail);
    return new String(out, 0, written + tail, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * {@code spanNode}: a record whose own text is {@code bytes[spanFrom, spanTo)} (a CloudTrail
   * record inside its file), or null.
   */
  private record Context(
      byte[] bytes,
      String origin,
      String cursor,
      String hint,
      String connector,
      Instant receivedAt,
      JsonNode root,
      JsonNode spanNode,
      int spanFrom,
      int spanTo) {
    Context(
        byte[] bytes,
        String origin,
        String cursor,
        String hint,
        String connector,
        Instant receivedAt) {
      this(bytes, origin, cursor, hint, connector, receivedAt, null, null, 0, 0);
    }

    Context withRoot(JsonNode r) {
      return new Context(bytes, origin, cursor, hint, connector, receivedAt, r, null, 0, 0);
    }

    Context withSpan(JsonNode node, int from, int to) {
      return new Context(bytes, origin, cursor, hint, connector, receivedAt, root, node, from, to);
    }

    Normalization.Rejection reject(String reason, String part) {
      return reject(reason, part, Source.UNKNOWN);
    }

    Normalization.Rejection reject(String reason, String part, Source detected) {
      String c = part == null ? cursor : (cursor == null ? part : cursor + " " + part);
      String sourceHint =
          detected != Source.UNKNOWN ? detected.name().toLowerCase(Locale.ROOT) : hint;
      return new Normalization.Rejection(reason, bytes, origin, c, sourceHint);
    }
  }
}
