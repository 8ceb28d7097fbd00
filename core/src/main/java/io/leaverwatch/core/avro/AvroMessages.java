package io.leaverwatch.core.avro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
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

  /**
   * A reusable encoder for one record class, for a hot path on one thread (a Kafka sink's
   * serialiser): the same bytes as {@link #encode}, written into a buffer it keeps, then copied
   * once, where {@link #encode} looks up two thread-locals and copies twice per record.
   */
  public static final class Writer<T extends SpecificRecord> {
    private final byte[] header;
    private final SpecificDatumWriter<T> datumWriter;
    private final Buffer buffer = new Buffer();
    private BinaryEncoder encoder;

    public Writer(Class<T> type) {
      Schema schema = SpecificData.get().getSchema(type);
      this.header =
          ByteBuffer.allocate(10)
              .order(ByteOrder.LITTLE_ENDIAN)
              .put((byte) 0xC3)
              .put((byte) 0x01)
              .putLong(SchemaNormalization.parsingFingerprint64(schema))
              .array();
      this.datumWriter = new SpecificDatumWriter<>(schema, SpecificData.getForClass(type));
    }

    public byte[] encode(T record) {
      buffer.reset();
      buffer.write(header, 0, header.length);
      encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
      try {
        datumWriter.write(record, encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buffer.toByteArray();
    }

    /** Keeps its array between records; shrinks back after an outsized one. */
    private static final class Buffer extends java.io.ByteArrayOutputStream {
      Buffer() {
        super(4096);
      }

      @Override
      public void reset() {
        if (buf.length > 1 << 20) {
          buf = new byte[4096];
        }
        super.reset();
      }
    }
  }
}
