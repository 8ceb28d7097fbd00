package io.leaverwatch.core.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AuditEvent;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** The tests run Avro as the CLI and the cluster do: with the fast reader. */
class AvroFastReaderTest {

  @Test
  void theBuildRunsTheTestsWithTheFastReaderAsTheCliDoes() {
    assertThat(System.getProperty(AvroFastReader.PROPERTY)).isEqualTo("true");
    assertThat(new SpecificData().isFastReaderEnabled()).isTrue();
    // the generated classes' own models read the property when they are loaded
    assertThat(AuditEvent.getClassSchema()).isNotNull();
    assertThat(SpecificData.getForClass(AuditEvent.class).isFastReaderEnabled()).isTrue();
  }

  @Test
  void anExplicitSettingIsKept() {
    String before = System.getProperty(AvroFastReader.PROPERTY);
    try {
      System.setProperty(AvroFastReader.PROPERTY, "false");
      AvroFastReader.enable();
      assertThat(System.getProperty(AvroFastReader.PROPERTY)).isEqualTo("false");
      System.clearProperty(AvroFastReader.PROPERTY);
      AvroFastReader.enable();
      assertThat(System.getProperty(AvroFastReader.PROPERTY)).isEqualTo("true");
    } finally {
      System.setProperty(AvroFastReader.PROPERTY, before == null ? "true" : before);
    }
  }
}
