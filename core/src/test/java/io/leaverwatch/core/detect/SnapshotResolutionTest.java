package io.leaverwatch.core.detect;

import static io.leaverwatch.core.detect.Events.T0;
import static io.leaverwatch.core.detect.Events.T0_PLUS_1D;
import static io.leaverwatch.core.detect.Events.T0_PLUS_5H;
import static io.leaverwatch.core.detect.Events.departure;
import static io.leaverwatch.core.detect.Events.event;
import static io.leaverwatch.core.detect.Events.githubUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RETAINED_ACCESS from a snapshot resolves when a later complete snapshot no longer shows the
 * grant, or the revocation arrives after the snapshot that showed it; detect and the stream agree.
 */
class SnapshotResolutionTest {
  static final Departure ALICE = departure("p1", "alice@corp.example.com", "software-engineer", T0);
  static final Instant T0_PLUS_6H = T0.plus(Duration.ofHours(6));
  static final Instant T0_PLUS_2D = T0.plus(Duration.ofDays(2));

  static AccessGrant grant(String identity, String g, Instant at) {
    return AccessGrant.newBuilder()
        .setIdentity(identity)
        .setSystem("github")
        .setGrant(g)
        .setObservedAt(at)
        .build();
  }

  static AccessGrant complete(String system, Instant at) {
    return AccessGrant.newBuilder()
        .setSystem(system)
        .setGrant("")
        .setObservedAt(at)
        .setComplete(true)
        .build();
  }

  static InMemoryDetection start(InMemoryDetection d) {
    return d.identity("p1", "github", "alice-gh").departure(ALICE);
  }

  static Finding only(InMemoryDetection d) {
    List<Finding> retained = d.of(FindingType.RETAINED_ACCESS);
    List<Finding> fromSnapshot =
        retained.stream().filter(f -> f.getRuleId().contains("snapshot")).toList();
    assertThat(fromSnapshot).hasSize(1);
    return fromSnapshot.get(0);
  }

  @Test
  void aLaterCompleteSnapshotWithoutTheGrantResolvesItInTheStreamAndInDetect() {
    InMemoryDetection stream =
        start(InMemoryDetection.streaming())
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H))
            .grant(complete("github", T0_PLUS_5H));
    Finding open = only(stream);
    assertThat(open.getStatus()).isEqualTo(FindingStatus.OPEN);

    stream.grant(complete("github", T0_PLUS_1D)); // the next snapshot lacks the grant
    Finding resolved = only(stream);
    assertThat(resolved.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(resolved.getResolvedAt()).isEqualTo(T0_PLUS_1D);
    assertThat(resolved.getResolution())
        .isEqualTo("no longer in the github access snapshot of " + T0_PLUS_1D);
    assertThat(resolved.getRevision()).isGreaterThan(open.getRevision());

    // detect, with the snapshot files read in any order, says the same
    InMemoryDetection bounded =
        start(InMemoryDetection.bounded())
            .grant(complete("github", T0_PLUS_1D))
            .grant(complete("github", T0_PLUS_5H))
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H))
            .end(T0_PLUS_2D.toEpochMilli());
    Finding b = only(bounded);
    assertThat(b.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(b.getResolution()).isEqualTo(resolved.getResolution());
    assertThat(b.getRevision()).isEqualTo(resolved.getRevision());
    assertThat(b.getFindingId()).isEqualTo(resolved.getFindingId());
  }

  @Test
  void withoutACompletenessMarkerAMissingGrantProvesNothing() {
    InMemoryDetection d =
        start(InMemoryDetection.streaming())
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H))
            // a later snapshot that was not read to its end, and a complete one of another system
            .grant(grant("bob-gh", "org_member:acme", T0_PLUS_1D))
            .grant(complete("okta", T0_PLUS_1D));
    assertThat(only(d).getStatus()).isEqualTo(FindingStatus.OPEN);
    InMemoryDetection b =
        start(InMemoryDetection.bounded())
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H))
            .grant(complete("okta", T0_PLUS_1D))
            .end(T0_PLUS_2D.toEpochMilli());
    assertThat(only(b).getStatus()).isEqualTo(FindingStatus.OPEN);
  }

  @Test
  void aGrantTheNextSnapshotShowsAgainReopens() {
    InMemoryDetection d =
        start(InMemoryDetection.streaming())
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H))
            .grant(complete("github", T0_PLUS_1D));
    Finding resolved = only(d);
    assertThat(resolved.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    d.grant(grant("alice-gh", "org_member:acme", T0_PLUS_2D)).grant(complete("github", T0_PLUS_2D));
    Finding again = only(d);
    assertThat(again.getStatus()).isEqualTo(FindingStatus.OPEN);
    assertThat(again.getRevision()).isGreaterThan(resolved.getRevision());
  }

  @Test
  void aRevocationAfterTheSnapshotResolvesItInTheStreamAndInDetect() {
    Events.E removal =
        event(Source.GITHUB, "org.remove_member", ActionClass.REVOCATION, T0_PLUS_6H)
            .actor(githubUser("offboarding-bot"))
            .target(githubUser("alice-gh"));
    InMemoryDetection stream =
        start(InMemoryDetection.streaming())
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H))
            .events(removal);
    Finding s = only(stream);
    assertThat(s.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(s.getResolvedAt()).isEqualTo(T0_PLUS_6H);
    assertThat(s.getResolution())
        .startsWith("revoked at " + T0_PLUS_6H + " by ")
        .endsWith("after the snapshot of " + T0_PLUS_5H + " showed it");

    InMemoryDetection bounded =
        start(InMemoryDetection.bounded())
            .events(removal)
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H))
            .end(T0_PLUS_1D.toEpochMilli());
    Finding b = only(bounded);
    assertThat(b.getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(b.getResolution()).isEqualTo(s.getResolution());
    assertThat(b.getRevision()).isEqualTo(s.getRevision());
  }

  @Test
  void aRescindedDepartureResolvesTheSnapshotFinding() {
    InMemoryDetection d =
        start(InMemoryDetection.streaming())
            .grant(grant("alice-gh", "org_member:acme", T0_PLUS_5H));
    assertThat(only(d).getStatus()).isEqualTo(FindingStatus.OPEN);
    Departure rescinded = Departure.newBuilder(ALICE).setStatus(DepartureStatus.RESCINDED).build();
    d.departure(rescinded);
    assertThat(only(d).getStatus()).isEqualTo(FindingStatus.RESOLVED);
    assertThat(only(d).getResolution()).isEqualTo("departure rescinded");
  }
}
