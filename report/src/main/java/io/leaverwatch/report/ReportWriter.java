package io.leaverwatch.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the report's files into a folder: report.html, report.pdf, departures.csv, findings.csv,
 * and last manifest.json with the period, the generation time, the inputs and the SHA-256 of every
 * other file written.
 */
public final class ReportWriter {
  public static final List<String> FILES =
      List.of("report.html", "report.pdf", "departures.csv", "findings.csv", "manifest.json");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  /** An input of the report, for the manifest: a file (with its SHA-256) or an index. */
  public record Input(String kind, String location, String sha256, int records) {}

  public static Map<String, String> write(ReportModel m, List<Input> inputs, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ReportInputException(dir + ": cannot create the output folder: " + e.getMessage());
    }
    String html = HtmlRenderer.render(m);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("report.html", html.getBytes(StandardCharsets.UTF_8));
    files.put("report.pdf", PdfRenderer.render(html));
    files.put("departures.csv", CsvWriters.departures(m).getBytes(StandardCharsets.UTF_8));
    files.put("findings.csv", CsvWriters.findings(m).getBytes(StandardCharsets.UTF_8));
    Map<String, String> sums = new LinkedHashMap<>();
    List<Map<String, Object>> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      write(dir.resolve(f.getKey()), f.getValue());
      String sum = sha256(f.getValue());
      sums.put(f.getKey(), sum);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("file", f.getKey());
      e.put("bytes", f.getValue().length);
      e.put("sha256", sum);
      written.add(e);
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    Map<String, Object> period = new LinkedHashMap<>();
    period.put("label", m.period().label());
    period.put("from", m.period().from().toString());
    period.put("to", m.period().to().toString());
    manifest.put("period", period);
    manifest.put("generated_at", m.generatedAt().toString());
    manifest.put("generator", "leaverwatch report");
    List<Map<String, Object>> ins = new ArrayList<>();
    for (Input i : inputs) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("kind", i.kind());
      e.put("location", i.location());
      if (i.sha256() != null) {
        e.put("sha256", i.sha256());
      }
      e.put("records", i.records());
      ins.add(e);
    }
    manifest.put("inputs", ins);
    manifest.put("files", written);
    try {
      write(dir.resolve("manifest.json"), JSON.writeValueAsBytes(manifest));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sums;
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new ReportInputException(file + ": cannot write: " + e.getMessage());
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256(Path file) {
    try {
      return sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ReportInputException(file + ": cannot read: " + e.getMessage());
    }
  }
}
