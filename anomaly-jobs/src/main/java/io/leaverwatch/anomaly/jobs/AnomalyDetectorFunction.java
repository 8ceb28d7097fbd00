package io.leaverwatch.anomaly.jobs;

import io.leaverwatch.anomaly.AnomalyDetection;
import io.leaverwatch.anomaly.AnomalyRules;
import io.leaverwatch.anomaly.AnomalyScorer;
import io.leaverwatch.anomaly.DailyFeatures;
import io.leaverwatch.anomaly.EventFacts;
import io.leaverwatch.anomaly.ModelDirectory;
import io.leaverwatch.anomaly.ModelWatcher;
import io.leaverwatch.anomaly.PersonDay;
import io.leaverwatch.anomaly.ScoredWindow;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ANOMALOUS_ACTIVITY, streaming: a person's own events (as actor, before their departure) go into
 * the open day of their {@link DailyFeatures}, a person's pending events at a time ({@link #fold},
 * run by {@link AnomalyDetectorOperator}); an event-time timer at the end of each day closes it,
 * and a closed day in a leaver's scored window is scored and may become a finding, the same one
 * {@code detect} gives ({@link AnomalyDetection#findingOf}). The model comes from {@code
 * anomaly.model_dir} and is looked at again every {@code anomaly.reload_interval}: a new one scores
 * the next day to close, a bad one is refused with its reason and the old one stays.
 */
public final class AnomalyDetectorFunction
    extends KeyedProcessFunction<String, PersonSignal, Finding> {
  private static final Logger LOG = LoggerFactory.getLogger(AnomalyDetectorFunction.class);

  private final String modelDir;
  private final long reloadIntervalMillis;

  private transient ModelWatcher watcher;
  private transient ModelDirectory.Loaded model;
  private transient AnomalyScorer scorer;
  private transient long nextPollNanos;
  private transient ValueState<DailyFeatures> features;
  private transient ValueState<Departure> departure;
  private transient Counter lateEvents;
  private transient Counter restarted;

  /**
   * Whether the state backend hands back the object it holds, so that a change to the person's
   * {@link DailyFeatures} is in state without writing it again (the heap backend: {@code value()}
   * gives the held object, or a copy it then holds while a snapshot is being written). Found out
   * once, at the first write; a backend that serialises (RocksDB) gives a new object each time, and
   * every change is written.
   */
  private transient boolean stateKeepsValues;

  private transient boolean stateKeepsValuesChecked;

  /** Events taken and not yet folded into their people's state. */
  static final int MAX_PENDING = 32_768;

  private transient PendingEvents pending;
  private transient EventFacts facts;
  private transient Keys keys;
  private transient TimerService timers;

  public AnomalyDetectorFunction(String modelDir, long reloadIntervalMillis) {
    this.modelDir = modelDir;
    this.reloadIntervalMillis = reloadIntervalMillis;
  }

  @Override
  public void open(OpenContext ctx) throws Exception {
    features =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("anomaly-days", DailyFeaturesSerializer.INSTANCE));
    departure =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "anomaly-departure", new AvroTypeInfo<>(Departure.class)));
    // events of a day that had already been scored: they still reach every other detector
    lateEvents = getRuntimeContext().getMetricGroup().counter("anomalyLateEvents");
    // people whose history was kept under other feature definitions than the model's
    restarted = getRuntimeContext().getMetricGroup().counter("anomalyHistoriesRestarted");
    pending = new PendingEvents();
    facts = new EventFacts();
    watcher = new ModelWatcher(Path.of(modelDir));
    nextPollNanos = System.nanoTime();
    pollModel();
  }

  @Override
  public void processElement(PersonSignal s, Context ctx, Collector<Finding> out) throws Exception {
    pollModel();
    if (s.getKind() == SignalKind.DEPARTURE) {
      remember(s.getDeparture(), ctx.timerService());
      return;
    }
    if (model == null) {
      return;
    }
    AuditEvent e = s.getEvent();
    long t = e.getEventTime().toEpochMilli();
    // the resolver sends the person's departure with each of their events once it knows it
    Departure d = s.getDeparture();
    if (d != null) {
      if (t >= d.getDepartedAt().toEpochMilli()) {
        return; // after departure every act is already a POST_DEPARTURE_ACTIVITY finding
      }
      remember(d, ctx.timerService());
    }
    AnomalyRules rules = model.model().rules();
    pending.add(s.getPersonId(), e, endOf(rules, rules.dayOf(t)));
    if (pending.size() >= MAX_PENDING) {
      fold();
    }
  }

  /**
   * Folds the pending events into their people's state, each person's in one go: one state lookup
   * per person instead of one per event, and their state is read while it is in the cache. Called
   * before a watermark that ends a day of a pending event (so the day's timer finds all of them in
   * state), before each checkpoint, at the end of input, when the model changes, and when {@value
   * #MAX_PENDING} events are pending. Leaves the operator's current key as it found it.
   */
  void fold() throws Exception {
    if (pending.size() == 0 || model == null) {
      pending.clear();
      return;
    }
    Object key = keys.current();
    AnomalyRules rules = model.model().rules();
    for (int g = 0; g < pending.people(); g++) {
      String person = pending.person(g);
      keys.set(person);
      DailyFeatures stored = features.value();
      DailyFeatures f = bound(stored, person);
      for (int i = pending.first(g); i >= 0; i = pending.next(i)) {
        DailyFeatures.Added added = f.offer(pending.facts(i, facts));
        if (added == DailyFeatures.Added.LATE) {
          lateEvents.inc();
        } else if (added == DailyFeatures.Added.OPENED) {
          timers.registerEventTimeTimer(endOf(rules, rules.dayOf(facts.time())));
        }
      }
      if (f != stored || !stateKeepsValues) {
        features.update(f);
        if (!stateKeepsValuesChecked) {
          stateKeepsValuesChecked = true;
          stateKeepsValues = features.value() == f;
        }
      }
    }
    pending.clear();
    keys.set(key);
  }

  /** Whether a watermark at {@code time} ends the day of a pending event. */
  boolean endsAPendingDay(long time) {
    return pending.size() > 0 && time >= pending.earliestDayEnd();
  }

  /** How the operator lets {@link #fold} reach each person's state and timers. */
  interface Keys {
    Object current();

    void set(Object key);
  }

  void bindTo(Keys keys, TimerService timers) {
    this.keys = keys;
    this.timers = timers;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
    pollModel();
    if (model == null) {
      return;
    }
    AnomalyRules rules = model.model().rules();
    Departure d = departure.value();
    DailyFeatures f = features.value();
    if (f != null) {
      f = bound(f, ctx.getCurrentKey());
      ScoredWindow window = d != null && ScoredWindow.scored(d) ? ScoredWindow.of(d, rules) : null;
      for (PersonDay day :
          f.closeThrough(rules.dayOf(timestamp), x -> window != null && window.contains(x))) {
        Finding finding =
            AnomalyDetection.findingOf(model.model(), scorer, day, d, model.version());
        if (finding != null) {
          out.collect(finding);
        }
      }
    }
    if (d != null
        && ScoredWindow.scored(d)
        && rules.dayOf(timestamp) >= ScoredWindow.of(d, rules).lastDay()
        && (f == null || f.openDays() == 0)) {
      // the leaver's last scored day is behind them: nothing of theirs is scored again
      features.clear();
      departure.clear();
    } else if (f != null) {
      features.update(f);
    }
  }

  /**
   * Keeps the person's latest departure, and a timer at the end of its last scored day, which
   * clears their state once nothing of theirs can be scored any more.
   */
  private void remember(Departure d, TimerService timers) throws Exception {
    Departure known = departure.value();
    if (d == known || d.equals(known)) {
      return;
    }
    departure.update(d);
    if (model != null && ScoredWindow.scored(d)) {
      AnomalyRules rules = model.model().rules();
      timers.registerEventTimeTimer(endOf(rules, ScoredWindow.of(d, rules).lastDay()));
    }
  }

  private static long endOf(AnomalyRules rules, long day) {
    return rules.dayStart(day + 1) - 1;
  }

  /** The person's state bound to the running model's rules, or a fresh one. */
  private DailyFeatures bound(DailyFeatures f, String person) {
    AnomalyRules rules = model.model().rules();
    if (f != null && (f.rules() == rules || f.bind(rules, watcher.fingerprint()))) {
      return f;
    }
    if (f != null) {
      restarted.inc();
    }
    return new DailyFeatures(rules, person);
  }

  private void pollModel() throws Exception {
    long now = System.nanoTime();
    if (now - nextPollNanos < 0) {
      return;
    }
    nextPollNanos = now + reloadIntervalMillis * 1_000_000L;
    watcher
        .poll()
        .ifPresent(
            c -> {
              if (c.refused()) {
                LOG.error(c.message());
              } else {
                LOG.info(c.message());
              }
            });
    if (watcher.current() != null && watcher.current() != model) {
      fold(); // with the model the pending events were taken under
      model = watcher.current();
      scorer = new AnomalyScorer(model.model());
    }
  }
}
