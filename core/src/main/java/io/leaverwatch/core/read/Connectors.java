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
}
