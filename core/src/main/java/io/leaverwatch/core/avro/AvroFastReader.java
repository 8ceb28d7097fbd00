package io.leaverwatch.core.avro;

/**
 * Turns on Avro's fast reader ({@code org.apache.avro.fastread}), which builds one reader per
 * schema up front instead of walking the schema's grammar for every record. Every event is decoded
 * several times on its way through the job (from Kafka, then after each shuffle), and the job ran
 * about 15% faster with it in {@code bench pipeline} (two runs each way, bench/README.md).
 *
 * <p>Avro reads the property when a data model is created, and each generated class creates its own
 * when it is loaded: call {@link #enable} first thing in {@code main}, before any Avro class is
 * touched. On a Flink cluster the TaskManagers need it as a JVM option instead ({@code
 * env.java.opts.all: -Dorg.apache.avro.fastread=true}, as in {@code docker/docker-compose.yml}).
 */
public final class AvroFastReader {
  public static final String PROPERTY = "org.apache.avro.fastread";

  private AvroFastReader() {}

  /** Enables the fast reader unless the property was set explicitly (to either value). */
  public static void enable() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "true");
    }
  }
}
