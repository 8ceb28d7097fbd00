package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RevocationStep;

/** What a {@link FindingRule} is asked about: something the person's state now holds, or a time. */
sealed interface Trigger {
  /** An hour (window) of the person's activity as actor, with the event just added. */
  record Activity(ActivityBucket bucket) implements Trigger {}

  /** A notable event: the person as target, or a credential, privilege or sensitive change. */
  record Notable(EventRef event) implements Trigger {}

  /** An access snapshot's latest observation of one of the person's grants. */
  record Snapshot(String system, String grant, long observedAt) implements Trigger {}

  /** A revocation step's deadline has passed; {@code known} is how far the state is known. */
  record Deadline(RevocationStep step, long known) implements Trigger {}

  /** The offboarding's roll-up instant has passed. */
  record Rollup(long known) implements Trigger {}
}
