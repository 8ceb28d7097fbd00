package io.leaverwatch.core.people;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads the small tabular inputs (departures, identities, access snapshots) as CSV with a header or
 * as NDJSON, decided by the first non-blank character. Each row becomes a field map; every problem
 * names the file, the line and the field.
 */
final class TabularFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TabularFile() {}

  /** A row: its line number and its fields (missing or empty fields are absent). */
  record Row(Path file, int line, Map<String, String> fields) {
    String required(String field) {
      String v = fields.get(field);
      if (v == null || v.isBlank()) {
        throw error(field, "is required");
      }
      return v.trim();
    }

    String optional(String field) {
      String v = fields.get(field);
      return v == null || v.isBlank() ? null : v.trim();
    }

    Instant instant(String field, boolean required) {
      String v = required ? required(field) : optional(field);
      if (v == null) {
        return null;
      }
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        try {
          return java.time.OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e2) {
          try {
            return java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
          } catch (DateTimeParseException e3) {
            throw error(
                field, "'" + v + "' is not an ISO-8601 instant (e.g. 2026-10-01T12:00:00Z)");
          }
        }
      }
    }

    InputFileException error(String field, String reason) {
      return new InputFileException(file + ":" + line + ": " + field + ": " + reason);
    }
  }

  static <T> List<T> read(Path file, BiFunction<Row, Integer, T> mapper) {
    if (!Files.isRegularFile(file)) {
      throw new InputFileException(file + ": file not found");
    }
    List<T> out = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                Files.newInputStream(file),
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
      String line;
      int n = 0;
      List<String> header = null;
      Boolean json = null;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (n == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (json == null) {
          json = line.trim().startsWith("{");
          if (!json) {
            header = splitCsv(line).stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
            continue;
          }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (json) {
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (IOException e) {
            throw new InputFileException(file + ":" + n + ": not valid JSON: " + firstLine(e));
          }
          if (node == null || !node.isObject()) {
            throw new InputFileException(file + ":" + n + ": expected a JSON object");
          }
          node.fields()
              .forEachRemaining(
                  f -> {
                    if (!f.getValue().isNull()) {
                      fields.put(
                          f.getKey().toLowerCase(Locale.ROOT),
                          f.getValue().isValueNode()
                              ? f.getValue().asText()
                              : f.getValue().toString());
                    }
                  });
        } else {
          List<String> cells = splitCsv(line);
          if (cells.size() != header.size()) {
            throw new InputFileException(
                file
                    + ":"
                    + n
                    + ": expected "
                    + header.size()
                    + " columns ("
                    + String.join(",", header)
                    + "), got "
                    + cells.size());
          }
          for (int i = 0; i < cells.size(); i++) {
            fields.put(header.get(i), cells.get(i));
          }
        }
        out.add(mapper.apply(new Row(file, n, fields), n));
      }
    } catch (CharacterCodingException e) {
      throw new InputFileException(file + ": not valid UTF-8");
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot read: " + e.getMessage());
    }
    return out;
  }

  private static String firstLine(IOException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }

  /** CSV with double-quoted fields ("" escapes a quote). */
  static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
