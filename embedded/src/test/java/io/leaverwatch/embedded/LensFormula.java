package io.leaverwatch.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The text of a Lens formula ({@code count(kql='status : "ON_TIME"') / count()}) read the way Lens
 * reads it when it saves one, so that a test can rebuild what Lens would have stored beside it: one
 * hidden column per operation call, numbered {@code <id>X0, <id>X1, …} left to right, and, when
 * there is arithmetic around them, a {@code math} column last whose tinymath tree has each call
 * replaced by its column id. Numbers, {@code + - * /}, parentheses and calls with a field and named
 * arguments ({@code kql=}, {@code lucene=}, {@code percentile=}) are read; anything else is an
 * error naming the position.
 */
final class LensFormula {
  /** The formula functions that are Lens operations (the others are math). */
  static final Set<String> OPERATIONS =
      Set.of(
          "count",
          "sum",
          "min",
          "max",
          "average",
          "median",
          "percentile",
          "unique_count",
          "last_value",
          "standard_deviation");

  /** One operation call: its column's operation, field (null for a count of records), kql. */
  record Call(String operation, String field, String kql) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  final String text;
  final List<Call> calls = new ArrayList<>();

  /** The tree of the math column with calls replaced by column ids; a string if there is none. */
  final JsonNode math;

  private final String columnId;
  private int pos;

  LensFormula(String columnId, String text) {
    this.columnId = columnId;
    this.text = text;
    JsonNode root = expression();
    skipSpaces();
    if (pos != text.length()) {
      throw error("unexpected '" + text.charAt(pos) + "'");
    }
    this.math = root;
  }

  /** The id Lens gives the hidden column number {@code i} of this formula. */
  String managedId(int i) {
    return columnId + "X" + i;
  }

  /** The column the formula column references: the math column, or the only call's column. */
  String resultId() {
    return math.isTextual() ? math.asText() : managedId(calls.size());
  }

  private JsonNode expression() {
    JsonNode left = term();
    while (true) {
      skipSpaces();
      if (eat('+')) {
        left = function("add", left, term());
      } else if (eat('-')) {
        left = function("subtract", left, term());
      } else {
        return left;
      }
    }
  }

  private JsonNode term() {
    JsonNode left = factor();
    while (true) {
      skipSpaces();
      if (eat('*')) {
        left = function("multiply", left, factor());
      } else if (eat('/')) {
        left = function("divide", left, factor());
      } else {
        return left;
      }
    }
  }

  private JsonNode factor() {
    skipSpaces();
    if (eat('(')) {
      JsonNode inner = expression();
      skipSpaces();
      expect(')');
      return inner;
    }
    if (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      int start = pos;
      while (pos < text.length()
          && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        pos++;
      }
      return JSON.getNodeFactory().numberNode(Double.parseDouble(text.substring(start, pos)));
    }
    String name = name();
    skipSpaces();
    if (!eat('(')) {
      throw error("a field '" + name + "' outside an operation");
    }
    if (!OPERATIONS.contains(name)) {
      throw error("function '" + name + "' is not read here");
    }
    String field = null;
    String kql = null;
    skipSpaces();
    if (!eat(')')) {
      do {
        skipSpaces();
        String word = name();
        skipSpaces();
        if (eat('=')) {
          skipSpaces();
          String value = pos < text.length() && isQuote(text.charAt(pos)) ? quoted() : name();
          if (word.equals("kql")) {
            kql = value;
          } else if (word.equals("lucene")) {
            throw error("lucene= is not read here");
          }
        } else if (field == null) {
          field = word;
        } else {
          throw error("a second field '" + word + "' in " + name);
        }
        skipSpaces();
      } while (eat(','));
      expect(')');
    }
    if (name.equals("count") != (field == null)) {
      throw error(name + " needs " + (field == null ? "a field" : "no field"));
    }
    calls.add(new Call(name, field, kql));
    return JSON.getNodeFactory().textNode(managedId(calls.size() - 1));
  }

  private static JsonNode function(String name, JsonNode a, JsonNode b) {
    ObjectNode f = JSON.createObjectNode();
    f.put("type", "function");
    f.put("name", name);
    ArrayNode args = f.putArray("args");
    args.add(a);
    args.add(b);
    return f;
  }

  private String name() {
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || "_.@".indexOf(text.charAt(pos)) >= 0)) {
      pos++;
    }
    if (start == pos) {
      throw error("a name expected");
    }
    return text.substring(start, pos);
  }

  private String quoted() {
    char quote = text.charAt(pos++);
    StringBuilder out = new StringBuilder();
    while (pos < text.length() && text.charAt(pos) != quote) {
      if (text.charAt(pos) == '\\' && pos + 1 < text.length()) {
        pos++;
      }
      out.append(text.charAt(pos++));
    }
    expect(quote);
    return out.toString();
  }

  private static boolean isQuote(char c) {
    return c == '\'' || c == '"';
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private boolean eat(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!eat(c)) {
      throw error("'" + c + "' expected");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        "formula of " + columnId + " '" + text + "' at " + pos + ": " + what);
  }
}
