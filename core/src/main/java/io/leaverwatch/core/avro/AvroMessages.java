package io.leaverwatch.core.avro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Topic values are Avro single-object encoded: a 2-byte marker, the 8-byte schema fingerprint and
 * the binary record. No schema registry resolves from Maven Central here, and the fingerprint is
 * enough for a reader to refuse a record of a schema it does not know (it dead-letters it) and for
 * compatible evolutions to be decoded by the generated classes' resolvers.
 */
public final class AvroMessages {
  private static final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> ENCODERS =
      new ConcurrentHashMap<>();

  private AvroMessages() {}

  public static byte[] encode(SpecificRecord record) {
    BinaryMessageEncoder<SpecificRecord> encoder =
        ENCODERS.computeIfAbsent(
            record.getClass(),
            c -> new BinaryMessageEncoder<>(SpecificData.getForClass(c), record.getSchema()));
    try {
      ByteBuffer b = encoder.encode(record);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
