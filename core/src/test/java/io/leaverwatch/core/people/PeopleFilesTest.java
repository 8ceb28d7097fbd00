package io.leaverwatch.core.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeopleFilesTest {
  @TempDir Path tmp;

  @Test
  void departuresReadFromCsvAndNdjsonAlike() throws IOException {
    Path csv =
        write(
            "d.csv",
            "person_id,email,role,notice_at,departed_at,status\n"
                + "p1,Alice@Corp.com,sre,2026-09-20T00:00:00Z,2026-10-01T12:00:00Z,DEPARTED\n"
                + "p2,bob@corp.com,,,2026-10-02T00:00:00Z,rescinded\n");
    Path json =
        write(
            "d.ndjson",
            "{\"person_id\":\"p1\",\"email\":\"Alice@Corp.com\",\"role\":\"sre\",\"notice_at\":\"2026-09-20T00:00:00Z\",\"departed_at\":\"2026-10-01T12:00:00Z\",\"status\":\"DEPARTED\"}\n"
                + "{\"person_id\":\"p2\",\"email\":\"bob@corp.com\",\"departed_at\":\"2026-10-02T00:00:00Z\",\"status\":\"RESCINDED\"}\n");

    List<Departure> a = PeopleFiles.readDepartures(csv);
    List<Departure> b = PeopleFiles.readDepartures(json);

    assertThat(a).isEqualTo(b);
    assertThat(a.get(0).getEmail()).isEqualTo("alice@corp.com");
    assertThat(a.get(0).getDepartedAt()).isEqualTo(Instant.parse("2026-10-01T12:00:00Z"));
    assertThat(a.get(1).getStatus()).isEqualTo(DepartureStatus.RESCINDED);
    assertThat(a.get(1).getNoticeAt()).isNull();
  }

  @Test
  void badRowsNameFileLineAndField() throws IOException {
    Path bad =
        write(
            "bad.csv",
            "person_id,email,role,notice_at,departed_at,status\n"
                + "p1,a@b.c,sre,,2026-10-01T12:00:00Z,DEPARTED\n"
                + "p2,b@b.c,sre,,yesterday,DEPARTED\n");
    assertThatThrownBy(() -> PeopleFiles.readDepartures(bad))
        .isInstanceOf(InputFileException.class)
        .hasMessage(
            bad
                + ":3: departed_at: 'yesterday' is not an ISO-8601 instant (e.g. 2026-10-01T12:00:00Z)");

    Path status = write("s.csv", "person_id,departed_at,status\np1,2026-10-01T12:00:00Z,GONE\n");
    assertThatThrownBy(() -> PeopleFiles.readDepartures(status))
        .hasMessageContaining(":2: status: 'GONE' must be DEPARTED or RESCINDED");

    Path columns = write("c.csv", "person_id,system,identity\np1,okta\n");
    assertThatThrownBy(() -> PeopleFiles.readIdentities(columns))
        .hasMessageContaining(":2: expected 3 columns");

    Path system = write("y.csv", "person_id,system,identity\np1,slack,alice\n");
    assertThatThrownBy(() -> PeopleFiles.readIdentities(system))
        .hasMessageContaining(":2: system: 'slack' must be one of okta, github, aws, email");

    Path json = write("j.ndjson", "{\"person_id\":\"p1\",\"system\":\"okta\"\n");
    assertThatThrownBy(() -> PeopleFiles.readIdentities(json))
        .hasMessageContaining(":1: not valid JSON");

    assertThatThrownBy(() -> PeopleFiles.readDepartures(tmp.resolve("missing.csv")))
        .hasMessageContaining("missing.csv: file not found");
  }

  @Test
  void accessSnapshotsNeedAPersonOrAnIdentity() throws IOException {
    Path ok =
        write(
            "a.ndjson",
            "{\"identity\":\"alice-gh\",\"system\":\"github\",\"grant\":\"org_member:acme\",\"observed_at\":\"2026-10-02T23:00:00Z\"}\n");
    assertThat(PeopleFiles.readAccess(ok)).hasSize(1);
    Path bad =
        write(
            "b.ndjson",
            "{\"system\":\"github\",\"grant\":\"x\",\"observed_at\":\"2026-10-02T23:00:00Z\"}\n");
    assertThatThrownBy(() -> PeopleFiles.readAccess(bad))
        .hasMessageContaining(":1: identity: person_id or identity is required");
  }

  private Path write(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p;
  }
}
