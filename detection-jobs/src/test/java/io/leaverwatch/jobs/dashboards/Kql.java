package io.leaverwatch.jobs.dashboards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Kibana's query language the saved objects use, turned into the Elasticsearch query
 * Kibana sends for it: {@code and}, {@code or}, {@code not}, parentheses, {@code field : "phrase"}
 * (match_phrase), {@code field : ("a" or "b")} (any of the phrases), {@code field : value} (match),
 * {@code field : *} (exists) and {@code field >= n} ranges. Anything else is an error naming the
 * position, so a panel whose query this cannot read fails its test.
 */
final class Kql {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TOKEN =
      Pattern.compile("\\s*(\\(|\\)|>=|<=|>|<|:|\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s()<>:\"]+)");

  private final List<String> tokens = new ArrayList<>();
  private final String text;
  private int pos;

  private Kql(String text) {
    this.text = text;
    Matcher m = TOKEN.matcher(text);
    int at = 0;
    while (at < text.length() && m.find(at) && m.start() == at) {
      tokens.add(m.group(1));
      at = m.end();
    }
    if (!text.substring(at).isBlank()) {
      throw new IllegalArgumentException("KQL '" + text + "': cannot read from " + at);
    }
  }

  static ObjectNode toQuery(String kql) {
    Kql k = new Kql(kql);
    ObjectNode q = k.or();
    if (k.pos != k.tokens.size()) {
      throw new IllegalArgumentException("KQL '" + kql + "': unexpected " + k.tokens.get(k.pos));
    }
    return q;
  }

  private ObjectNode or() {
    List<ObjectNode> parts = new ArrayList<>(List.of(and()));
    while (keyword("or")) {
      parts.add(and());
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    ObjectNode q = JSON.createObjectNode();
    ObjectNode bool = q.putObject("bool");
    ArrayNode should = bool.putArray("should");
    parts.forEach(should::add);
    bool.put("minimum_should_match", 1);
    return q;
  }

  private ObjectNode and() {
    List<ObjectNode> parts = new ArrayList<>(List.of(not()));
    while (keyword("and")) {
      parts.add(not());
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    ObjectNode q = JSON.createObjectNode();
    ArrayNode filter = q.putObject("bool").putArray("filter");
    parts.forEach(filter::add);
    return q;
  }

  private ObjectNode not() {
    if (keyword("not")) {
      ObjectNode q = JSON.createObjectNode();
      q.putObject("bool").putArray("must_not").add(not());
      return q;
    }
    return primary();
  }

  private ObjectNode primary() {
    if (peek("(")) {
      pos++;
      ObjectNode q = or();
      expect(")");
      return q;
    }
    String field = next();
    String op = next();
    String value = next();
    ObjectNode q = JSON.createObjectNode();
    switch (op) {
      case ":" -> {
        if (value.equals("(")) {
          pos--;
          return valueList(field);
        }
        if (value.equals("*")) {
          q.putObject("exists").put("field", field);
        } else if (value.startsWith("\"")) {
          String phrase = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
          q.putObject("match_phrase").put(field, phrase);
        } else if (value.contains("*")) {
          throw new IllegalArgumentException("KQL '" + text + "': wildcard values not supported");
        } else {
          q.putObject("match").putObject(field).put("query", value);
        }
      }
      case ">=", "<=", ">", "<" -> {
        String bound =
            switch (op) {
              case ">=" -> "gte";
              case "<=" -> "lte";
              case ">" -> "gt";
              default -> "lt";
            };
        q.putObject("range").putObject(field).put(bound, unquote(value));
      }
      default ->
          throw new IllegalArgumentException("KQL '" + text + "': '" + op + "' after " + field);
    }
    return q;
  }

  /** {@code field : ("a" or "b")}: any of the phrases, as Kibana sends it. */
  private ObjectNode valueList(String field) {
    expect("(");
    ObjectNode q = JSON.createObjectNode();
    ObjectNode bool = q.putObject("bool");
    ArrayNode should = bool.putArray("should");
    do {
      String value = next();
      if (!value.startsWith("\"")) {
        throw new IllegalArgumentException(
            "KQL '" + text + "': only quoted phrases in the value list of " + field);
      }
      String phrase = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
      should.addObject().putObject("match_phrase").put(field, phrase);
    } while (keyword("or"));
    expect(")");
    bool.put("minimum_should_match", 1);
    return q;
  }

  private static String unquote(String v) {
    return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private boolean keyword(String k) {
    if (pos < tokens.size() && tokens.get(pos).toLowerCase(Locale.ROOT).equals(k)) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean peek(String t) {
    return pos < tokens.size() && tokens.get(pos).equals(t);
  }

  private void expect(String t) {
    if (!peek(t)) {
      throw new IllegalArgumentException("KQL '" + text + "': expected " + t);
    }
    pos++;
  }

  private String next() {
    if (pos >= tokens.size()) {
      throw new IllegalArgumentException("KQL '" + text + "': ends too early");
    }
    return tokens.get(pos++);
  }
}
