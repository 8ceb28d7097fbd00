package io.leaverwatch.core.avro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
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
  /** One writer per record class and thread: {@link Writer} is not thread-safe. */
  private static final ThreadLocal<Map<Class<?>, Writer<SpecificRecord>>> WRITERS =
      ThreadLocal.withInitial(HashMap::new);

  private AvroMessages() {}

  /**
   * A decoder of {@code type}'s single-object messages that also knows every released schema of it
   * ({@code schemas/compat/vN/}, on the classpath as {@code avro/compat/vN/<Name>.avsc}): a message
   * written before a compatible evolution carries the old schema's fingerprint, which the generated
   * class's own decoder would refuse.
   */
  public static <T extends SpecificRecord> BinaryMessageDecoder<T> decoder(Class<T> type) {
    Schema current = SpecificData.get().getSchema(type);
    BinaryMessageDecoder<T> d = new BinaryMessageDecoder<>(SpecificData.getForClass(type), current);
    ClassLoader cl = type.getClassLoader();
    for (int v = 1; v < 100; v++) {
      String name = "avro/compat/v" + v + "/" + type.getSimpleName() + ".avsc";
      try (var in = cl.getResourceAsStream(name)) {
        if (in == null) {
          continue;
        }
        d.addSchema(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read released schema " + name, e);
      }
    }
    return d;
  }

  @SuppressWarnings("unchecked")
  public static byte[] encode(SpecificRecord record) {
    return WRITERS
        .get()
        .computeIfAbsent(record.getClass(), c -> new Writer<>((Class<SpecificRecord>) c))
        .encode(record);
  }

  /**
   * A reusable encoder for one record class, on one thread: the bytes are written into a buffer it
   * keeps, then copied once. A hot path (a Kafka sink's serialiser) keeps its own and skips {@link
   * #encode}'s thread-local lookup, which Flink's task threads, carrying many, make slow.
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
