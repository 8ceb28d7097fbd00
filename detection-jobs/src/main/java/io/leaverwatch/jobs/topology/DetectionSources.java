package io.leaverwatch.jobs.topology;

import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.RawAuditRecord;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What the job reads. Streams may be null (not configured). {@code bootstrap*} lists are inputs
 * known before the run starts (a bounded run's files); they are applied before the first event.
 * {@code rulesUpdates}: bundles of the rules folder ({@link
 * io.leaverwatch.core.bundle.RulesBundle#toWire()}) as it changes; null when the rules the job is
 * built with stay in force for the whole run.
 */
public record DetectionSources(
    DataStream<RawAuditRecord> rawEvents,
    DataStream<Departure> departures,
    DataStream<IdentityLink> identities,
    DataStream<AccessGrant> grants,
    List<Departure> bootstrapDepartures,
    List<IdentityLink> bootstrapIdentities,
    List<AccessGrant> bootstrapGrants,
    DataStream<Map<String, String>> rulesUpdates) {

  public DetectionSources(
      DataStream<RawAuditRecord> rawEvents,
      DataStream<Departure> departures,
      DataStream<IdentityLink> identities,
      DataStream<AccessGrant> grants,
      List<Departure> bootstrapDepartures,
      List<IdentityLink> bootstrapIdentities,
      List<AccessGrant> bootstrapGrants) {
    this(
        rawEvents,
        departures,
        identities,
        grants,
        bootstrapDepartures,
        bootstrapIdentities,
        bootstrapGrants,
        null);
  }

  public DetectionSources withRulesUpdates(DataStream<Map<String, String>> updates) {
    return new DetectionSources(
        rawEvents,
        departures,
        identities,
        grants,
        bootstrapDepartures,
        bootstrapIdentities,
        bootstrapGrants,
        updates);
  }

  public static DetectionSources bounded(
      DataStream<RawAuditRecord> raw,
      List<Departure> departures,
      List<IdentityLink> identities,
      List<AccessGrant> grants) {
    return new DetectionSources(raw, null, null, null, departures, identities, grants);
  }

  public static DetectionSources streaming(
      DataStream<RawAuditRecord> raw,
      DataStream<Departure> departures,
      DataStream<IdentityLink> identities,
      DataStream<AccessGrant> grants) {
    return new DetectionSources(
        raw, departures, identities, grants, List.of(), List.of(), List.of());
  }
}
