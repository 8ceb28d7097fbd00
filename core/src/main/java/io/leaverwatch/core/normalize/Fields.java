package io.leaverwatch.core.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Key lookup that tolerates the lower-cased column names some pipelines (Panther) write: an exact
 * match first (the common, fast case), then a case-insensitive scan.
 */
final class Fields {
  private Fields() {}

  static JsonNode get(JsonNode obj, String name) {
    if (obj == null || !obj.isObject()) {
      return null;
    }
    JsonNode v = obj.get(name);
    if (v != null) {
      return v;
    }
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Follows a dotted path, each step case-insensitive. */
  static JsonNode path(JsonNode obj, String dottedPath) {
    JsonNode cur = obj;
    int start = 0;
    while (cur != null) {
      int dot = dottedPath.indexOf('.', start);
      String step = dot < 0 ? dottedPath.substring(start) : dottedPath.substring(start, dot);
      cur = get(cur, step);
      if (dot < 0) {
        return cur;
      }
      start = dot + 1;
    }
    return null;
  }

  static boolean isAbsent(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode();
  }

  /**
   * A scalar as text: strings as they are, numbers and booleans in their JSON form; absent, null or
   * empty gives null. An object or array where a scalar belongs rejects the event, naming the
   * field.
   */
  static String text(JsonNode obj, String name) {
    return scalar(get(obj, name), name);
  }

  static String textAt(JsonNode obj, String dottedPath) {
    return scalar(path(obj, dottedPath), dottedPath);
  }

  static String scalar(JsonNode v, String fieldName) {
    if (isAbsent(v)) {
      return null;
    }
    if (v.isTextual()) {
      String s = v.textValue();
      return s.isEmpty() ? null : s;
    }
    if (v.isNumber() || v.isBoolean()) {
      return v.asText();
    }
    throw new RejectedEventException(
        "field '" + fieldName + "': expected a string, got " + typeName(v));
  }

  /** An object field; absent or null gives null, any other type rejects the event. */
  static JsonNode object(JsonNode obj, String name) {
    JsonNode v = get(obj, name);
    if (isAbsent(v)) {
      return null;
    }
    if (!v.isObject()) {
      throw new RejectedEventException(
          "field '" + name + "': expected an object, got " + typeName(v));
    }
    return v;
  }

  static String typeName(JsonNode v) {
    switch (v.getNodeType()) {
      case ARRAY:
        return "array";
      case OBJECT:
        return "object";
      case NUMBER:
        return "number";
      case BOOLEAN:
        return "boolean";
      case STRING:
        return "string";
      case NULL:
        return "null";
      default:
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
