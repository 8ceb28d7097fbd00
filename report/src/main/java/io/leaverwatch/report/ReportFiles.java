package io.leaverwatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/** Reads the report's file inputs; every problem names the file, the line and the field. */
public final class ReportFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportFiles() {}

  public static List<FindingRow> readFindings(Path file) {
    return ndjson(file, RowJson::finding);
  }

  public static List<StepRow> readSteps(Path file) {
    return ndjson(file, RowJson::step);
  }

  private static <T> List<T> ndjson(Path file, BiFunction<JsonNode, String, T> row) {
    requireFile(file);
    List<T> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          throw new ReportInputException(file + ":" + n + ": not valid JSON");
        }
        if (node == null || !node.isObject()) {
          throw new ReportInputException(file + ":" + n + ": expected a JSON object");
        }
        out.add(row.apply(node, file + ":" + n));
      }
    } catch (IOException e) {
      throw new ReportInputException(file + ": cannot read: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Exceptions CSV with a header: {@code finding_id} or {@code person_id}+{@code step_id}, {@code
   * justification}, {@code approver}, {@code approved_at} (ISO instant or date).
   */
  public static List<ExceptionRow> readExceptions(Path file) {
    requireFile(file);
    CsvMapper csv = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    List<ExceptionRow> out = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MappingIterator<Map<String, String>> it =
            csv.readerForMapOf(String.class).with(schema).readValues(in)) {
      while (it.hasNextValue()) {
        Map<String, String> raw = it.nextValue();
        int line = it.getCurrentLocation().getLineNr();
        Map<String, String> row = new HashMap<>();
        raw.forEach(
            (k, v) -> {
              if (v != null && !v.isBlank()) {
                row.put(k.trim().toLowerCase(Locale.ROOT), v.trim());
              }
            });
        if (row.isEmpty()) {
          continue;
        }
        String where = file + ":" + line + ": ";
        String findingId = row.get("finding_id");
        String personId = row.get("person_id");
        String stepId = row.get("step_id");
        if (findingId == null && (personId == null || stepId == null)) {
          throw new ReportInputException(
              where + "finding_id: is required (or person_id and step_id together)");
        }
        for (String f : List.of("justification", "approver", "approved_at")) {
          if (!row.containsKey(f)) {
            throw new ReportInputException(where + f + ": is required");
          }
        }
        out.add(
            new ExceptionRow(
                findingId,
                personId,
                stepId,
                row.get("justification"),
                row.get("approver"),
                instant(where, row.get("approved_at")),
                line));
      }
    } catch (IOException e) {
      throw new ReportInputException(file + ": not a readable CSV: " + firstLine(e), e);
    } catch (RuntimeException e) {
      if (e instanceof ReportInputException) {
        throw e;
      }
      throw new ReportInputException(file + ": not a readable CSV: " + firstLine(e), e);
    }
    return out;
  }

  private static Instant instant(String where, String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new ReportInputException(
            where + "approved_at: '" + v + "' is not an ISO-8601 instant or date");
      }
    }
  }

  static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ReportInputException(file + ": file not found");
    }
    if (!Files.isReadable(file)) {
      throw new ReportInputException(file + ": not readable");
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
