package io.leaverwatch.jobs.topology;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.PersonSignal;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What the job produces; the caller attaches sinks. {@code resolvedSignals}: the normalised,
 * identity-resolved events (and departures, identities, grants) by person, as the person detectors
 * hand them on ({@code PersonDetectorFunction.SIGNALS}, in their task), where detectors outside
 * this module attach (`StreamingDetectorExtension` in the pipeline package).
 */
public record DetectionOutputs(
    DataStream<Finding> findings,
    DataStream<OffboardingStepStatus> stepStatuses,
    DataStream<DeadLetter> deadLetters,
    DataStream<AuditEvent> events,
    DataStream<PersonSignal> resolvedSignals) {}
