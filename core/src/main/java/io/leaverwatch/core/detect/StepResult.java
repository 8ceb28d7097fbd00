package io.leaverwatch.core.detect;

import io.leaverwatch.schema.StepState;
import java.util.List;

/** Where one revocation step stands at a given instant. */
public record StepResult(
    StepState state,
    Long completedAt,
    List<String> evidenceIds,
    int failedAttempts,
    String detail) {}
