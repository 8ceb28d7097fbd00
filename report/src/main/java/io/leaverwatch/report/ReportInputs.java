package io.leaverwatch.report;

import io.leaverwatch.schema.Departure;
import java.time.Instant;
import java.util.List;

/**
 * Everything a report is computed from. {@code sources} names each input (a file path or an
 * Elasticsearch index) for the manifest.
 */
public record ReportInputs(
    ReportPeriod period,
    Instant generatedAt,
    List<Departure> departures,
    List<FindingRow> findings,
    List<StepRow> steps,
    List<ExceptionRow> exceptions,
    List<String> sources) {}
