package io.leaverwatch.anomaly.jobs;

import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs {@link AnomalyDetectorFunction} and folds its pending events into state at the moments that
 * need them there: before a watermark that ends one of their days (the day's timer then scores all
 * of it), before a checkpoint's barrier (the checkpoint holds every event taken before it, and no
 * pending one), and at the end of input. Timers and state are the function's own, under the same
 * names as in a plain {@link KeyedProcessOperator}, so checkpoints restore across the two.
 */
final class AnomalyDetectorOperator extends KeyedProcessOperator<String, PersonSignal, Finding> {
  private static final long serialVersionUID = 1L;

  private final AnomalyDetectorFunction detector;

  AnomalyDetectorOperator(AnomalyDetectorFunction detector) {
    super(detector);
    this.detector = detector;
  }

  @Override
  public void open() throws Exception {
    super.open();
    detector.bindTo(
        new AnomalyDetectorFunction.Keys() {
          @Override
          public Object current() {
            return getCurrentKey();
          }

          @Override
          public void set(Object key) {
            setCurrentKey(key);
          }
        },
        new SimpleTimerService(
            getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this)));
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (detector.endsAPendingDay(mark.getTimestamp())) {
      detector.fold();
    }
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    detector.fold();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    detector.fold(); // nothing left after prepareSnapshotPreBarrier, unless a harness skipped it
    super.snapshotState(context);
  }

  @Override
  public void finish() throws Exception {
    detector.fold();
    super.finish();
  }
}
