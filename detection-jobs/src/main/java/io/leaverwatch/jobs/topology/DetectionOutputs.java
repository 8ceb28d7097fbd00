package io.leaverwatch.jobs.topology;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.OffboardingStepStatus;
import org.apache.flink.streaming.api.datastream.DataStream;

/** What the job produces; the caller attaches sinks. */
public record DetectionOutputs(
    DataStream<Finding> findings,
    DataStream<OffboardingStepStatus> stepStatuses,
    DataStream<DeadLetter> deadLetters,
    DataStream<AuditEvent> events) {}
