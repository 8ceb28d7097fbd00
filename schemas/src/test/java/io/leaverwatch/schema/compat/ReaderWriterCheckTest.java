package io.leaverwatch.schema.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The compatibility check must be able to fail: each breaking edit below is caught. */
class ReaderWriterCheckTest {
  private static final Schema OLD = AuditEvent.getClassSchema();

  @Test
  void identicalSchemaIsCompatible() {
    assertThat(ReaderWriterCheck.problems("AuditEvent", OLD, OLD)).isEmpty();
  }

  @Test
  void addingAnOptionalFieldWithDefaultIsCompatibleBothWays() {
    Schema added =
        withFields(
            OLD,
            fields -> {
              fields.add(
                  new Schema.Field(
                      "session_id",
                      Schema.createUnion(
                          Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                      null,
                      Schema.Field.NULL_DEFAULT_VALUE));
              return fields;
            });

    assertThat(ReaderWriterCheck.problems("AuditEvent", added, OLD)).isEmpty();
  }

  @Test
  void addingASymbolToAnEnumWithDefaultIsCompatibleBothWays() {
    Schema source = OLD.getField("source").schema();
    List<String> symbols = new ArrayList<>(source.getEnumSymbols());
    symbols.add("SLACK");
    Schema widened =
        Schema.createEnum(
            source.getName(), source.getDoc(), source.getNamespace(), symbols, "UNKNOWN");
    Schema added =
        withFields(
            OLD,
            fields -> {
              fields.replaceAll(f -> f.name().equals("source") ? new Schema.Field(f, widened) : f);
              return fields;
            });

    assertThat(ReaderWriterCheck.problems("AuditEvent", added, OLD)).isEmpty();
  }

  @Test
  void addingAFieldWithoutDefaultBreaksNewReadersOfOldData() {
    Schema added =
        withFields(
            OLD,
            fields -> {
              fields.add(new Schema.Field("session_id", Schema.create(Schema.Type.STRING)));
              return fields;
            });

    List<String> problems = ReaderWriterCheck.problems("AuditEvent", added, OLD);

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("new reader / old writer")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("session_id");
  }

  @Test
  void removingAFieldWithoutDefaultBreaksOldReadersOfNewData() {
    Schema removed =
        withFields(
            OLD,
            fields -> {
              fields.removeIf(f -> f.name().equals("action"));
              return fields;
            });

    assertThat(ReaderWriterCheck.problems("AuditEvent", removed, OLD))
        .singleElement()
        .asString()
        .contains("old reader / new writer")
        .contains("action");
  }

  @Test
  void changingAFieldTypeBreaksBothDirections() {
    Schema retyped =
        withFields(
            OLD,
            fields -> {
              fields.replaceAll(
                  f ->
                      f.name().equals("action")
                          ? new Schema.Field("action", Schema.create(Schema.Type.INT))
                          : f);
              return fields;
            });

    assertThat(ReaderWriterCheck.problems("AuditEvent", retyped, OLD))
        .hasSize(2)
        .allSatisfy(p -> assertThat(p).contains("TYPE_MISMATCH").contains("action"));
  }

  /** A copy of the record with edited fields (Avro fields cannot be shared between schemas). */
  private static Schema withFields(Schema record, UnaryOperator<List<Schema.Field>> edit) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    return Schema.createRecord(
        record.getName(), record.getDoc(), record.getNamespace(), false, edit.apply(fields));
  }
}
