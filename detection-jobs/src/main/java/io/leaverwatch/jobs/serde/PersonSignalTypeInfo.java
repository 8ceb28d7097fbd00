package io.leaverwatch.jobs.serde;

import io.leaverwatch.schema.PersonSignal;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Signals between the job's operators, with {@link PersonSignalSerializer}. */
public final class PersonSignalTypeInfo extends TypeInformation<PersonSignal> {
  private static final long serialVersionUID = 1L;

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<PersonSignal> getTypeClass() {
    return PersonSignal.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<PersonSignal> createSerializer(SerializerConfig config) {
    return PersonSignalSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "PersonSignal (field by field)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PersonSignalTypeInfo;
  }

  @Override
  public int hashCode() {
    return PersonSignalTypeInfo.class.hashCode();
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof PersonSignalTypeInfo;
  }
}
