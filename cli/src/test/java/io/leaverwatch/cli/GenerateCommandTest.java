package io.leaverwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
  @TempDir Path tmp;

  @Test
  void writesTheOrganisationAndListsItsFiles() throws Exception {
    Path out = tmp.resolve("org");
    String stdout =
        captureOut(
            () ->
                assertThat(
                        Main.run(
                            "generate",
                            "--people",
                            "30",
                            "--days",
                            "5",
                            "--departures",
                            "4",
                            "--seed",
                            "3",
                            "--out",
                            out.toString()))
                    .isZero());
    assertThat(out.resolve("ground-truth.ndjson")).exists();
    assertThat(out.resolve("departures.csv")).exists();
    assertThat(out.resolve("manifest.json")).exists();
    assertThat(stdout).contains("identities.csv").contains("records in").contains("DYNAMODB");
  }

  @Test
  void refusesANonEmptyFolderAndBadValuesWithExitTwo() throws Exception {
    Files.writeString(tmp.resolve("something.txt"), "x");
    assertThat(
            Main.run(
                "generate",
                "--people",
                "30",
                "--days",
                "5",
                "--departures",
                "4",
                "--seed",
                "3",
                "--out",
                tmp.toString()))
        .isEqualTo(2);
    Path fresh = tmp.resolve("fresh");
    assertThat(
            Main.run(
                "generate",
                "--people",
                "30",
                "--days",
                "2",
                "--departures",
                "4",
                "--seed",
                "3",
                "--out",
                fresh.toString()))
        .isEqualTo(2);
    assertThat(
            Main.run(
                "generate",
                "--people",
                "30",
                "--days",
                "5",
                "--departures",
                "4",
                "--seed",
                "3",
                "--start",
                "yesterday",
                "--out",
                fresh.toString()))
        .isEqualTo(2);
    assertThat(fresh).doesNotExist();
  }

  private static String captureOut(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
