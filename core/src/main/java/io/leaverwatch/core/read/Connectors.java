package io.leaverwatch.core.read;

/** The values of {@code RawAuditRecord.connector}: which kind of input fetched a record. */
public final class Connectors {
  /** A poller of a vendor API (GitHub, Okta, CloudTrail LookupEvents). */
  public static final String API = "api";

  /** Log files read from an S3 bucket. */
  public static final String S3 = "s3";

  /** Files given to {@code ingest files}. */
  public static final String FILE = "file";

  /** Files the user marked as already normalised AuditEvent lines ({@code --normalised}). */
  public static final String NORMALISED = "normalised";

  private Connectors() {}

  /**
   * Whether records of this connector may hold already normalised AuditEvents: only an input the
   * user marked so, or no connector at all (local files read by {@code detect} and {@code
   * normalize}, records written before the field existed).
   */
  public static boolean mayCarryNormalisedEvents(String connector) {
    return connector == null || NORMALISED.equals(connector);
  }

  /** Whether the connector's source hint is the record's source (a poller or a bucket's files). */
  public static boolean declaresSource(String connector) {
    return API.equals(connector) || S3.equals(connector);
  }
}
