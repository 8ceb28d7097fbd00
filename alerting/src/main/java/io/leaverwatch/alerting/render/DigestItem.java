package io.leaverwatch.alerting.render;

/** One line of a digest: a finding that was over the receiver's budget for the window. */
public record DigestItem(String findingId, String line, String severity) {}
