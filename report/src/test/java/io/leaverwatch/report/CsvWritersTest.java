package io.leaverwatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvWritersTest {
  private final ReportModel m = SmallOrganisation.model();

  @Test
  void departuresHaveARowPerRequiredStepAndOneForEachDepartureWithout() {
    List<String> rows = Arrays.asList(CsvWriters.departures(m).split("\r\n"));
    assertThat(rows.get(0)).startsWith("person_id,email,role,departed_at,in_report");
    // alice 3 steps, bob 2, carol 1 (missing), dan 1 (rescinded), frank 1
    assertThat(rows).hasSize(1 + 3 + 2 + 1 + 1 + 1);
    assertThat(rows)
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("p1,alice@corp.example.com,software-engineer,2026-10-05T10:00:00Z")
                    .contains(",github,")
                    .contains(",root-admin,false,6 h 00 min,21600000,LATE,ev-gh-remove,"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("p3,").contains(",MISSING,"));
  }

  @Test
  void findingsCarryStatusResolutionAndTheirException() {
    String csv = CsvWriters.findings(m);
    assertThat(csv.split("\r\n")).hasSize(1 + 3);
    assertThat(csv)
        .contains("f-gh,p1,")
        .contains(",RESOLVED,")
        .contains("the revocation landed at 16:00")
        .contains(",ACCEPTED,ciso@corp.example.com,2026-10-06T00:00:00Z,")
        .contains("\"Kept for a legal hold, ticket SEC-12\"");
  }

  @Test
  void aCellASpreadsheetWouldRunIsDefused() {
    assertThat(CsvWriters.findings(m)).contains("\"'=HYPERLINK(\"\"http://evil\"\")\"");
    assertThat(CsvWriters.cell("-12")).isEqualTo("-12");
    assertThat(CsvWriters.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
  }
}
