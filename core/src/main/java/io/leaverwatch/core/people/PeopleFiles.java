package io.leaverwatch.core.people;

import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.IdentityLink;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The departed-user list, the identity list and access snapshots, as CSV or NDJSON:
 *
 * <ul>
 *   <li>departures: person_id, email, role, notice_at (optional), departed_at, status (DEPARTED or
 *       RESCINDED; default DEPARTED)
 *   <li>identities: person_id, system (okta, github, aws, email), identity
 *   <li>access: person_id or identity, system, grant, observed_at; or system, observed_at and
 *       complete=true: the snapshot of that system taken then is complete (a grant of it seen
 *       before and not since is gone)
 * </ul>
 */
public final class PeopleFiles {
  private static final Set<String> SYSTEMS = Set.of("okta", "github", "aws", "email");
  private static final Set<String> GRANT_SYSTEMS = Set.of("okta", "github", "aws");

  private PeopleFiles() {}

  public static List<Departure> readDepartures(Path file) {
    return TabularFile.read(
        file,
        (row, n) -> {
          String status = row.optional("status");
          DepartureStatus st;
          if (status == null) {
            st = DepartureStatus.DEPARTED;
          } else {
            try {
              st = DepartureStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
              throw row.error("status", "'" + status + "' must be DEPARTED or RESCINDED");
            }
            if (st == DepartureStatus.UNKNOWN) {
              throw row.error("status", "'" + status + "' must be DEPARTED or RESCINDED");
            }
          }
          String email = row.optional("email");
          if (email != null && !email.contains("@")) {
            throw row.error("email", "'" + email + "' is not an email address");
          }
          return Departure.newBuilder()
              .setPersonId(row.required("person_id"))
              .setEmail(email == null ? null : email.toLowerCase(Locale.ROOT))
              .setRole(row.optional("role"))
              .setNoticeAt(row.instant("notice_at", false))
              .setDepartedAt(row.instant("departed_at", true))
              .setStatus(st)
              .build();
        });
  }

  public static List<IdentityLink> readIdentities(Path file) {
    return TabularFile.read(
        file,
        (row, n) -> {
          String system = row.required("system").toLowerCase(Locale.ROOT);
          if (!SYSTEMS.contains(system)) {
            throw row.error("system", "'" + system + "' must be one of okta, github, aws, email");
          }
          return IdentityLink.newBuilder()
              .setPersonId(row.required("person_id"))
              .setSystem(system)
              .setIdentity(row.required("identity"))
              .setLearned(false)
              .build();
        });
  }

  public static List<AccessGrant> readAccess(Path file) {
    return TabularFile.read(
        file,
        (row, n) -> {
          String system = row.required("system").toLowerCase(Locale.ROOT);
          if (!GRANT_SYSTEMS.contains(system)) {
            throw row.error("system", "'" + system + "' must be one of okta, github, aws");
          }
          String complete = row.optional("complete");
          if (complete != null && !complete.equalsIgnoreCase("false")) {
            if (!complete.equalsIgnoreCase("true")) {
              throw row.error("complete", "'" + complete + "' must be true or false");
            }
            // the marker that the snapshot of this system at observed_at is complete
            return AccessGrant.newBuilder()
                .setSystem(system)
                .setGrant("")
                .setObservedAt(row.instant("observed_at", true))
                .setComplete(true)
                .build();
          }
          String person = row.optional("person_id");
          String identity = row.optional("identity");
          if (person == null && identity == null) {
            throw row.error("identity", "person_id or identity is required");
          }
          return AccessGrant.newBuilder()
              .setPersonId(person)
              .setIdentity(identity)
              .setSystem(system)
              .setGrant(row.required("grant"))
              .setObservedAt(row.instant("observed_at", true))
              .build();
        });
  }
}
