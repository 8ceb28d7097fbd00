package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Predicate;

/**
 * One incident of {@code incidents/incidents.yaml}: what the leaver must have, how the offboarding
 * deviates, the events it plays and the findings it must produce.
 *
 * @param variants lists of events, the n-th occurrence plays variant n mod size; empty when the
 *     incident has no events of its own
 */
record Incident(
    String id,
    String description,
    Need need,
    List<Expected> expected,
    Offboarding offboarding,
    When when,
    List<List<Event>> variants) {

  /** A finding the incident must produce; {@code source} null when the finding has none. */
  record Expected(String type, String source) {}

  /** How the offboarding automation deviates from doing every step. */
  record Offboarding(Okta okta, GitHub github, Aws aws, boolean rescinded) {
    static final Offboarding DONE = new Offboarding(Okta.DONE, GitHub.DONE, Aws.DONE, false);
  }

  enum Okta {
    DONE,
    FAILED,
    LATE
  }

  enum GitHub {
    DONE,
    MISSING,
    KEPT_IN_SNAPSHOT
  }

  enum Aws {
    DONE,
    FAILED,
    SKIPPED
  }

  /** Where the incident's events go: before the offboarding, or after departure. */
  enum When {
    NOTICE_PERIOD,
    AFTER_DEPARTURE
  }

  /** Which native source an event template is in. */
  enum Source {
    OKTA,
    GITHUB,
    CLOUDTRAIL
  }

  /**
   * One event template, played {@code repeat} times from {@code at}, the clock advanced by {@code
   * every} (null: not advanced) after each.
   *
   * @param grant an access grant the event opens (identity, system, grant), or null
   */
  record Event(
      ClockExpression at,
      int repeat,
      ClockExpression every,
      Source source,
      ObjectNode template,
      ObjectNode grant) {}

  /** What a leaver must have for the incident to make sense. */
  enum Need {
    ANY(l -> true),
    NOTICE(l -> l.noticeAt() != null),
    IAM(l -> l.person().hasIamUser()),
    SSO(l -> l.person().awsAccess() == Person.AwsAccess.SSO_ONLY),
    PAT(l -> l.person().patHash() != null),
    IAM_AND_NOTICE(l -> l.person().hasIamUser() && l.noticeAt() != null),
    AWS_AND_NOTICE(l -> l.person().awsAccess() != Person.AwsAccess.NONE && l.noticeAt() != null),
    UNDECLARED_GITHUB(l -> !l.person().githubDeclared());

    final Predicate<Leaver> test;

    Need(Predicate<Leaver> test) {
      this.test = test;
    }
  }
}
