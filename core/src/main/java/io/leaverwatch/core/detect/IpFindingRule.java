package io.leaverwatch.core.detect;

import io.leaverwatch.core.rules.RoleBaseline;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import java.io.Serializable;
import java.util.List;

/**
 * A finding rule of {@code rules/detections/} over one source IP rather than one person: the
 * sibling of {@link FindingRule} for state keyed by IP, where the actor may be nobody we know. It
 * sees the IP's state and one departed person who used it, and returns the findings it draws. It
 * keeps no state: {@link KnownIpDetector} holds it and decides when to ask.
 */
interface IpFindingRule extends Serializable {
  List<Finding> evaluate(String ip, IpState s, String personId, Departure d, RoleBaseline role);
}
