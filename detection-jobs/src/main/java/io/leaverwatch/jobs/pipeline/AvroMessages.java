package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.RawAuditRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Topic values are Avro single-object encoded: a 2-byte marker, the 8-byte schema fingerprint and
 * the binary record. No schema registry resolves from Maven Central here, and the fingerprint is
 * enough for a reader to refuse a record of a schema it does not know (it dead-letters it) and for
 * compatible evolutions to be decoded by the generated classes' resolvers.
 */
public final class AvroMessages {
  private AvroMessages() {}

  public static byte[] encode(SpecificRecordBase record) {
    try {
      ByteBuffer b;
      if (record instanceof RawAuditRecord r) {
        b = RawAuditRecord.getEncoder().encode(r);
      } else if (record instanceof Finding f) {
        b = Finding.getEncoder().encode(f);
      } else if (record instanceof DeadLetter d) {
        b = DeadLetter.getEncoder().encode(d);
      } else if (record instanceof Departure d) {
        b = Departure.getEncoder().encode(d);
      } else if (record instanceof IdentityLink l) {
        b = IdentityLink.getEncoder().encode(l);
      } else if (record instanceof AccessGrant g) {
        b = AccessGrant.getEncoder().encode(g);
      } else if (record instanceof AuditEvent e) {
        b = AuditEvent.getEncoder().encode(e);
      } else if (record instanceof OffboardingStepStatus s) {
        b = OffboardingStepStatus.getEncoder().encode(s);
      } else {
        throw new IllegalArgumentException("no encoder for " + record.getClass().getName());
      }
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
