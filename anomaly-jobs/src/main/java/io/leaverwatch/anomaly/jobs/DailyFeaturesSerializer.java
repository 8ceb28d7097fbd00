package io.leaverwatch.anomaly.jobs;

import io.leaverwatch.anomaly.DailyFeatures;
import io.leaverwatch.anomaly.DailyFeaturesCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A person's daily-feature state, written by {@link DailyFeaturesCodec} (hashes and varints, no
 * Kryo, no rules: a restored state is bound to the running model's rules when it is next read). The
 * heap backend copies a state that a running snapshot still holds before it is changed, so {@link
 * #copy} is deep. Each record starts with the codec's layout number; a record of another layout is
 * refused with both numbers named.
 */
public final class DailyFeaturesSerializer extends TypeSerializerSingleton<DailyFeatures> {
  private static final long serialVersionUID = 1L;

  public static final DailyFeaturesSerializer INSTANCE = new DailyFeaturesSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public DailyFeatures createInstance() {
    return DailyFeaturesCodec.empty();
  }

  @Override
  public DailyFeatures copy(DailyFeatures from) {
    return DailyFeaturesCodec.copy(from);
  }

  @Override
  public DailyFeatures copy(DailyFeatures from, DailyFeatures reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(DailyFeatures record, DataOutputView out) throws IOException {
    DailyFeaturesCodec.write(record, out);
  }

  @Override
  public DailyFeatures deserialize(DataInputView in) throws IOException {
    return DailyFeaturesCodec.read(in);
  }

  @Override
  public DailyFeatures deserialize(DailyFeatures reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<DailyFeatures> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores this serializer from a checkpoint; public with no arguments, as Flink requires. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<DailyFeatures> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
