package io.leaverwatch.testkit.generate;

/**
 * One line of ground-truth.ndjson: a finding the detector must produce. Evaluation compares the set
 * of (type, personId, source) triples; {@code incident} is only for people reading it.
 *
 * @param source GITHUB, CLOUDTRAIL, DYNAMODB, OKTA, or null for OFFBOARDING_INCOMPLETE
 */
public record ExpectedFinding(String type, String personId, String source, String incident) {}
