package io.leaverwatch.schema.compat;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Both directions a rolling upgrade needs: new consumers (and restored Flink state) reading data
 * written with the old schema, and old consumers still running while new producers write.
 */
final class ReaderWriterCheck {
  private ReaderWriterCheck() {}

  /** Empty when compatible both ways, otherwise one line per failing direction. */
  static List<String> problems(String name, Schema current, Schema previous) {
    List<String> problems = new ArrayList<>();
    describe(name, "new reader / old writer", current, previous).ifPresent(problems::add);
    describe(name, "old reader / new writer", previous, current).ifPresent(problems::add);
    return problems;
  }

  private static java.util.Optional<String> describe(
      String name, String direction, Schema reader, Schema writer) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return java.util.Optional.empty();
    }
    StringBuilder message = new StringBuilder(name).append(" (").append(direction).append("):");
    result
        .getResult()
        .getIncompatibilities()
        .forEach(
            i ->
                message
                    .append(' ')
                    .append(i.getType())
                    .append(" at ")
                    .append(fieldPath(reader, i.getLocation()))
                    .append(" (")
                    .append(i.getLocation())
                    .append(')')
                    .append(" — ")
                    .append(i.getMessage())
                    .append(';'));
    return java.util.Optional.of(message.toString());
  }

  /**
   * Avro reports a JSON pointer such as /fields/3/type/1; a dotted field path (targets[].email)
   * says which field to look at. Falls back to the pointer if it cannot be followed.
   */
  static String fieldPath(Schema reader, String pointer) {
    String[] tokens = pointer.split("/");
    StringBuilder path = new StringBuilder();
    Schema at = reader;
    try {
      for (int t = 1; t < tokens.length; t++) {
        switch (tokens[t]) {
          case "fields" -> {
            Schema.Field field = at.getFields().get(Integer.parseInt(tokens[++t]));
            path.append(path.length() == 0 ? "" : ".").append(field.name());
            at = field.schema();
          }
          case "type", "name", "symbols", "size" -> {}
          case "items" -> {
            at = at.getElementType();
            path.append("[]");
          }
          case "values" -> {
            at = at.getValueType();
            path.append("{}");
          }
          default -> at = at.getTypes().get(Integer.parseInt(tokens[t]));
        }
      }
    } catch (RuntimeException e) {
      return pointer;
    }
    return path.length() == 0 ? "<root>" : path.toString();
  }
}
