package io.leaverwatch.anomaly;

import io.leaverwatch.core.people.InputFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code person_id,role} per line after a header: the roles of people who are not leaving (a
 * leaver's role comes from their departure), so peers are grouped by role. Problems name the file,
 * the line and the field.
 */
public final class RolesFile {
  private RolesFile() {}

  public static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot read: " + e.getMessage());
    }
    if (lines.isEmpty() || !lines.get(0).trim().replace(" ", "").equals("person_id,role")) {
      throw new InputFileException(file + ":1: header: must be person_id,role");
    }
    Map<String, String> roles = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length != 2) {
        throw new InputFileException(
            file + ":" + (i + 1) + ": row: expected 2 cells (person_id,role), got " + cells.length);
      }
      if (cells[0].isBlank()) {
        throw new InputFileException(file + ":" + (i + 1) + ": person_id: is required");
      }
      if (cells[1].isBlank()) {
        throw new InputFileException(file + ":" + (i + 1) + ": role: is required");
      }
      roles.put(cells[0].trim(), cells[1].trim());
    }
    return roles;
  }
}
