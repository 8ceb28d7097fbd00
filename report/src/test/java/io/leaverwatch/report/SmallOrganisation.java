package io.leaverwatch.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import io.leaverwatch.schema.StepState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * A small organisation for week 2026-W41, written so its figures can be computed by hand (see
 * {@link ReportModelTest}). Findings and steps are Avro records turned into the very JSON lines
 * {@code detect} writes ({@link RecordJson}), then read back as the report reads them.
 */
final class SmallOrganisation {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant GENERATED = Instant.parse("2026-10-14T08:00:00Z");

  static final Instant ALICE_OUT = Instant.parse("2026-10-05T10:00:00Z");
  static final Instant BOB_OUT = Instant.parse("2026-10-07T09:00:00Z");
  static final Instant CAROL_OUT = Instant.parse("2026-10-08T12:00:00Z");
  static final Instant DAN_OUT = Instant.parse("2026-10-09T12:00:00Z");
  static final Instant ERIN_OUT = Instant.parse("2026-09-30T12:00:00Z");
  static final Instant FRANK_OUT = Instant.parse("2026-10-11T20:00:00Z");

  static final Duration H1 = Duration.ofHours(1);
  static final Duration H4 = Duration.ofHours(4);

  /** A login an attacker chose: it reaches the report as the GitHub identity and in a summary. */
  static final String EVIL = "<script>alert(1)</script>";

  static List<Departure> departures() {
    return List.of(
        departure("p1", "alice@corp.example.com", "software-engineer", ALICE_OUT, false),
        departure("p2", "bob@corp.example.com", "analyst", BOB_OUT, false),
        departure("p3", "carol@corp.example.com", "analyst", CAROL_OUT, false),
        departure("p4", "dan@corp.example.com", "sre", DAN_OUT, true),
        departure("p5", "erin@corp.example.com", "analyst", ERIN_OUT, false),
        departure("p6", "frank@corp.example.com", "analyst", FRANK_OUT, false));
  }

  static List<StepRow> steps() {
    List<SpecificRecord> lines = new ArrayList<>();
    // alice: okta on time (30 min, automation) but she logged in after; github late (6 h, a
    // human admin); aws missing
    lines.add(
        step("p1", "alice@corp.example.com", "okta", "00ualice", "okta-deactivate", H1, ALICE_OUT)
            .setStatus(StepState.ON_TIME)
            .setCompletedAt(ALICE_OUT.plus(Duration.ofMinutes(30)))
            .setTimeToRevokeMs(Duration.ofMinutes(30).toMillis())
            .setEvidenceEventIds(List.of("ev-okta-deact"))
            .setCompletedBy("svc-offboarding@example.com")
            .setCompletedByAutomation(true)
            .setLastActivityAt(ALICE_OUT.plus(Duration.ofMinutes(45)))
            .setLastActivityEventId("ev-okta-login-after")
            .build());
    lines.add(
        step("p1", "alice@corp.example.com", "github", EVIL, "github-remove-member", H4, ALICE_OUT)
            .setStatus(StepState.LATE)
            .setCompletedAt(ALICE_OUT.plus(Duration.ofHours(6)))
            .setTimeToRevokeMs(Duration.ofHours(6).toMillis())
            .setEvidenceEventIds(List.of("ev-gh-remove"))
            .setCompletedBy("root-admin")
            .setCompletedByAutomation(false)
            .build());
    lines.add(
        step("p1", "alice@corp.example.com", "aws", "alice", "aws-remove-iam-user", H4, ALICE_OUT)
            .setStatus(StepState.MISSING)
            .setDetail("no revocation event seen")
            .build());
    // bob: both on time, nothing after
    lines.add(
        step("p2", "bob@corp.example.com", "okta", "00ubob", "okta-deactivate", H1, BOB_OUT)
            .setStatus(StepState.ON_TIME)
            .setCompletedAt(BOB_OUT.plus(Duration.ofMinutes(10)))
            .setTimeToRevokeMs(Duration.ofMinutes(10).toMillis())
            .setEvidenceEventIds(List.of("ev-bob-okta"))
            .setCompletedBy("svc-offboarding@example.com")
            .setCompletedByAutomation(true)
            .setLastActivityAt(BOB_OUT.minus(Duration.ofHours(2)))
            .setLastActivityEventId("ev-bob-last")
            .build());
    // an older revision of bob's github step, superseded by the next line
    lines.add(
        step("p2", "bob@corp.example.com", "github", "bob-gh", "github-remove-member", H4, BOB_OUT)
            .setStatus(StepState.PENDING)
            .setRevision(1)
            .build());
    lines.add(
        step("p2", "bob@corp.example.com", "github", "bob-gh", "github-remove-member", H4, BOB_OUT)
            .setStatus(StepState.ON_TIME)
            .setCompletedAt(BOB_OUT.plus(Duration.ofMinutes(20)))
            .setTimeToRevokeMs(Duration.ofMinutes(20).toMillis())
            .setEvidenceEventIds(List.of("ev-bob-gh"))
            .setCompletedBy("offboarding-bot")
            .setCompletedByAutomation(true)
            .setRevision(2)
            .build());
    // erin left the week before: only the trend sees her
    lines.add(
        step("p5", "erin@corp.example.com", "okta", "00uerin", "okta-deactivate", H1, ERIN_OUT)
            .setStatus(StepState.ON_TIME)
            .setCompletedAt(ERIN_OUT.plus(Duration.ofMinutes(5)))
            .setTimeToRevokeMs(Duration.ofMinutes(5).toMillis())
            .build());
    // frank left on Sunday evening: his deadline was after the run
    lines.add(
        step("p6", "frank@corp.example.com", "okta", "00ufrank", "okta-deactivate", H1, FRANK_OUT)
            .setStatus(StepState.PENDING)
            .build());
    return lines.stream().map(l -> RowJson.step(tree(l), "steps.ndjson")).toList();
  }

  static List<FindingRow> findings() {
    List<SpecificRecord> lines = new ArrayList<>();
    lines.add(
        finding("f-gh", FindingType.RETAINED_ACCESS, Severity.HIGH, "p1", "github-remove-member")
            .setSummary("alice's github access (" + EVIL + ") was not revoked within 4 h")
            .setDetails(Map.of("step", "github-remove-member"))
            .setRevision(1)
            .build());
    lines.add(
        finding("f-gh", FindingType.RETAINED_ACCESS, Severity.HIGH, "p1", "github-remove-member")
            .setSummary("alice's github access (" + EVIL + ") was not revoked within 4 h")
            .setDetails(Map.of("step", "github-remove-member"))
            .setRevision(2)
            .setStatus(FindingStatus.RESOLVED)
            .setResolvedAt(ALICE_OUT.plus(Duration.ofHours(6)))
            .setResolution("the revocation landed at 16:00")
            .build());
    lines.add(
        finding(
                "f-aws",
                FindingType.RETAINED_ACCESS,
                Severity.CRITICAL,
                "p1",
                "aws-remove-iam-user")
            .setSummary("alice's aws access was not revoked within 4 h")
            .setDetails(Map.of("step", "aws-remove-iam-user"))
            .build());
    lines.add(
        finding(
                "f-pda",
                FindingType.POST_DEPARTURE_ACTIVITY,
                Severity.HIGH,
                "p1",
                "user.session.start")
            .setSummary("alice acted on OKTA 3 time(s) after departing")
            .setEventCount(3)
            .build());
    lines.add(
        finding("f-erin", FindingType.POST_DEPARTURE_ACTIVITY, Severity.HIGH, "p5", "git.clone")
            .setSummary("erin cloned after departing")
            .setEventCount(7)
            .build());
    return lines.stream().map(l -> RowJson.finding(tree(l), "findings.ndjson")).toList();
  }

  static final String EXCEPTIONS_CSV =
      "finding_id,person_id,step_id,justification,approver,approved_at\n"
          + "f-aws,,,\"Kept for a legal hold, ticket SEC-12\",ciso@corp.example.com,2026-10-06\n"
          + ",p1,github-remove-member,=HYPERLINK(\"http://evil\"),it-lead@corp.example.com,"
          + "2026-10-06T09:00:00Z\n"
          + "f-unknown,,,no such finding,ciso@corp.example.com,2026-10-06\n";

  static List<ExceptionRow> exceptions() {
    return List.of(
        new ExceptionRow(
            "f-aws",
            null,
            null,
            "Kept for a legal hold, ticket SEC-12",
            "ciso@corp.example.com",
            Instant.parse("2026-10-06T00:00:00Z"),
            2),
        new ExceptionRow(
            null,
            "p1",
            "github-remove-member",
            "=HYPERLINK(\"http://evil\")",
            "it-lead@corp.example.com",
            Instant.parse("2026-10-06T09:00:00Z"),
            3),
        new ExceptionRow(
            "f-unknown",
            null,
            null,
            "no such finding",
            "ciso@corp.example.com",
            Instant.parse("2026-10-06T00:00:00Z"),
            4));
  }

  static ReportInputs inputs() {
    return new ReportInputs(
        ReportPeriod.ofIsoWeek("2026-W41"),
        GENERATED,
        departures(),
        findings(),
        steps(),
        exceptions(),
        List.of("test organisation"));
  }

  static ReportModel model() {
    return ReportModel.compute(inputs());
  }

  private static Departure departure(
      String id, String email, String role, Instant out, boolean rescinded) {
    return Departure.newBuilder()
        .setPersonId(id)
        .setEmail(email)
        .setRole(role)
        .setDepartedAt(out)
        .setStatus(rescinded ? DepartureStatus.RESCINDED : DepartureStatus.DEPARTED)
        .build();
  }

  private static OffboardingStepStatus.Builder step(
      String person,
      String email,
      String system,
      String identity,
      String stepId,
      Duration sla,
      Instant out) {
    return OffboardingStepStatus.newBuilder()
        .setStatusId(person + "/" + stepId)
        .setPersonId(person)
        .setEmail(email)
        .setRole("role")
        .setSystem(system)
        .setIdentity(identity)
        .setStepId(stepId)
        .setStatus(StepState.PENDING)
        .setDepartedAt(out)
        .setDeadline(out.plus(sla))
        .setRuleId("role/" + stepId);
  }

  private static Finding.Builder finding(
      String id, FindingType type, Severity severity, String person, String action) {
    return Finding.newBuilder()
        .setFindingId(id)
        .setType(type)
        .setSeverity(severity)
        .setPersonId(person)
        .setEmail(person + "@corp.example.com")
        .setSource(Source.OKTA)
        .setAction(action)
        .setFirstSeen(ALICE_OUT.plus(Duration.ofHours(1)))
        .setLastSeen(ALICE_OUT.plus(Duration.ofHours(2)))
        .setEventCount(1)
        .setRuleId("rule/" + type)
        .setSummary("finding");
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(SpecificRecord record) {
    try {
      return JSON.readTree(RecordJson.toJson(record));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
