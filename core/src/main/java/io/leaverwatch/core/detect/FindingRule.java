package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.Finding;
import java.io.Serializable;
import java.util.List;

/**
 * One finding rule of {@code rules/detections/}: it sees the person's state and what happened (an
 * event, a snapshot, a deadline or the roll-up), and returns the findings it draws, none when the
 * trigger is not its own. It keeps no state: {@link PersonDetector} holds it and decides when to
 * ask.
 */
interface FindingRule extends Serializable {
  List<Finding> evaluate(PersonState s, RoleBaseline role, Trigger t);
}
