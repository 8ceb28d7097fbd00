package io.leaverwatch.alerting.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import java.time.Instant;
import java.util.List;

/**
 * Slack Web API bodies ({@code chat.postMessage}, {@code chat.update}) in Block Kit, within Slack's
 * limits. Everything taken from a finding is attacker-controlled (logins, user agents, repository
 * and table names, summaries): it is only ever placed in {@code plain_text} objects, which Slack
 * does not parse, and in the notification fallback {@code text} escaped ({@code &}, {@code <},
 * {@code >}) with markup parsing off. No {@code mrkdwn} object carries finding text.
 */
public final class SlackMessages {
  public static final int MAX_BLOCKS = 50;
  public static final int MAX_HEADER = 150;
  public static final int MAX_TEXT = 3000;
  public static final int MAX_FIELD = 2000;
  public static final int MAX_FIELDS = 10;

  private SlackMessages() {}

  /**
   * The body of {@code chat.postMessage} to {@code channel} (a name like #sec-leavers or an id).
   */
  public static ObjectNode post(String channel, Finding f, FindingLinks links) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("channel", channel);
    fill(body, f, links);
    return body;
  }

  /** The body of {@code chat.update} of the message at {@code ts} in channel id {@code channel}. */
  public static ObjectNode update(String channel, String ts, Finding f, FindingLinks links) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("channel", channel);
    body.put("ts", ts);
    fill(body, f, links);
    return body;
  }

  public static ObjectNode digest(
      String channel, Instant windowStart, List<DigestItem> items, String windowText) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("channel", channel);
    String head = "Leaverwatch digest: " + items.size() + " more finding(s) in " + windowText;
    body.put("text", Text.escapeSlackCapped(head, MAX_TEXT));
    body.put("mrkdwn", false);
    body.put("unfurl_links", false);
    body.put("unfurl_media", false);
    ArrayNode blocks = body.putArray("blocks");
    blocks.add(header(head));
    StringBuilder list = new StringBuilder();
    int shown = 0;
    for (DigestItem i : items) {
      String line = "\u2022 " + i.line() + "\n";
      if (list.length() + line.length() > MAX_TEXT - 40) {
        break;
      }
      list.append(line);
      shown++;
    }
    if (shown < items.size()) {
      list.append("\u2026 and ").append(items.size() - shown).append(" more");
    }
    blocks.add(plainSection(list.toString()));
    blocks.add(context("window from " + windowStart + "; every finding is in Elasticsearch"));
    return body;
  }

  private static void fill(ObjectNode body, Finding f, FindingLinks links) {
    boolean resolved = f.getStatus() == FindingStatus.RESOLVED;
    String head =
        (resolved ? "RESOLVED: " : "")
            + f.getSeverity().name()
            + " "
            + Text.title(f.getType().name())
            + " \u2014 "
            + (f.getEmail() != null ? f.getEmail() : f.getPersonId());
    body.put("text", Text.escapeSlackCapped(head + ": " + f.getSummary(), MAX_TEXT));
    // the fallback text is not parsed for *bold*, _italic_ or links either
    body.put("mrkdwn", false);
    body.put("unfurl_links", false);
    body.put("unfurl_media", false);
    ArrayNode blocks = body.putArray("blocks");
    blocks.add(header(head));
    blocks.add(plainSection(f.getSummary()));
    ObjectNode facts = blocks.addObject();
    facts.put("type", "section");
    ArrayNode fields = facts.putArray("fields");
    addField(fields, "Person", f.getPersonId());
    addField(fields, "Email", f.getEmail());
    addField(fields, "Role", f.getRole());
    addField(fields, "Source", f.getSource() == null ? null : f.getSource().name());
    addField(fields, "Identity", f.getIdentity());
    addField(fields, "Action", f.getAction());
    addField(fields, "Events", Long.toString(f.getEventCount()));
    addField(fields, "First seen", f.getFirstSeen().toString());
    addField(fields, "Last seen", f.getLastSeen().toString());
    addField(fields, "Departed", f.getDepartedAt() == null ? null : f.getDepartedAt().toString());
    if (resolved) {
      String when = f.getResolvedAt() == null ? "" : " at " + f.getResolvedAt();
      blocks.add(
          plainSection(
              "Resolved" + when + (f.getResolution() == null ? "" : ": " + f.getResolution())));
    }
    blocks.add(
        context(
            "rule "
                + f.getRuleId()
                + (f.getRuleVersion() == null ? "" : " v" + f.getRuleVersion())
                + " \u00b7 finding "
                + f.getFindingId()
                + " \u00b7 revision "
                + f.getRevision()));
    String link = links.forFinding(f.getFindingId());
    if (link != null) {
      ObjectNode actions = blocks.addObject();
      actions.put("type", "actions");
      ObjectNode button = actions.putArray("elements").addObject();
      button.put("type", "button");
      button.set("text", plain("Open in Kibana"));
      button.put("url", link);
    }
  }

  private static void addField(ArrayNode fields, String label, String value) {
    if (value == null || fields.size() >= MAX_FIELDS) {
      return;
    }
    fields.add(plain(Text.cap(label + ": " + value, MAX_FIELD)));
  }

  private static ObjectNode header(String text) {
    ObjectNode h = Json.mapper().createObjectNode();
    h.put("type", "header");
    h.set("text", plain(Text.cap(text, MAX_HEADER)));
    return h;
  }

  private static ObjectNode plainSection(String text) {
    ObjectNode s = Json.mapper().createObjectNode();
    s.put("type", "section");
    s.set("text", plain(Text.cap(text == null || text.isBlank() ? "-" : text, MAX_TEXT)));
    return s;
  }

  private static ObjectNode context(String text) {
    ObjectNode c = Json.mapper().createObjectNode();
    c.put("type", "context");
    c.putArray("elements").add(plain(Text.cap(text, MAX_TEXT)));
    return c;
  }

  private static ObjectNode plain(String text) {
    ObjectNode t = Json.mapper().createObjectNode();
    t.put("type", "plain_text");
    t.put("text", text);
    t.put("emoji", false);
    return t;
  }
}
