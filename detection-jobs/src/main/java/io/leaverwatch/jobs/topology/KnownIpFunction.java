package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.core.detect.IpState;
import io.leaverwatch.core.detect.KnownIpDetector;
import io.leaverwatch.core.rules.RuleSetLoader;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keyed by source IP; departures arrive as broadcast state. A departure that arrives after the
 * events re-evaluates every IP (applyToKeyedState), so late HR records still flag attempts. The
 * broadcast input also carries the rules bundles (the right side of its {@link Either}), in force
 * from the next event or timer on, as for the person detectors.
 */
public final class KnownIpFunction
    extends KeyedBroadcastProcessFunction<
        String, PersonSignal, Either<Departure, Map<String, String>>, Finding> {
  public static final MapStateDescriptor<String, Departure> DEPARTURES =
      new MapStateDescriptor<>("departures", Types.STRING, new AvroTypeInfo<>(Departure.class));

  /** The broadcast state of the rules bundle in force. */
  public static final MapStateDescriptor<String, Map<String, String>> RULES = LiveRules.STATE;

  /** What the broadcast input carries: a departure, or a bundle of the rules. */
  public static final TypeInformation<Either<Departure, Map<String, String>>> BROADCAST =
      new EitherTypeInfo<>(
          new AvroTypeInfo<>(Departure.class), Types.MAP(Types.STRING, Types.STRING));

  private static final long DAY = 24 * 3600_000L;
  private static final long END_OF_INPUT = Long.MAX_VALUE - 1;

  private final DetectionConfig config;
  private final HashMap<String, String> initialRules;
  private transient LiveRules<KnownIpDetector> rules;
  private transient ValueStateDescriptor<IpState> stateDescriptor;
  private transient ValueState<IpState> state;

  /** With the rules folder of {@code config} as it is now, read here (where the job is built). */
  public KnownIpFunction(DetectionConfig config) {
    this(config, RulesBundle.read(Path.of(config.rulesDir())));
  }

  public KnownIpFunction(DetectionConfig config, RulesBundle rules) {
    this.config = config;
    this.initialRules = new HashMap<>(rules.toWire());
  }

  @Override
  public void open(OpenContext ctx) {
    rules =
        new LiveRules<>(
            "known-IP detector",
            RulesBundle.fromWire(initialRules),
            dir -> new KnownIpDetector(RuleSetLoader.load(dir)));
    stateDescriptor =
        new ValueStateDescriptor<>("ip", io.leaverwatch.jobs.state.IpStateSerializer.INSTANCE);
    state = getRuntimeContext().getState(stateDescriptor);
  }

  @Override
  public void processElement(PersonSignal signal, ReadOnlyContext ctx, Collector<Finding> out)
      throws Exception {
    KnownIpDetector detector = rules.current(ctx.getBroadcastState(RULES));
    IpState s = state.value();
    if (s == null) {
      s = new IpState();
    }
    detector.onEvent(s, signal.getEvent(), signal.getPersonId());
    state.update(s);
    if (!config.streaming()) {
      // bounded: files are read in any order, so judge each IP once, at the end of input
      ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
      return;
    }
    if (!s.shared && !s.daysByPerson.isEmpty()) {
      detector
          .evaluate(ctx.getCurrentKey(), s, lookup(ctx.getBroadcastState(DEPARTURES)))
          .forEach(out::collect);
    }
    if (config.streaming()) {
      long t = Math.floorDiv(signal.getEvent().getEventTime().toEpochMilli(), DAY) * DAY + DAY;
      if (t > ctx.timerService().currentWatermark()) {
        ctx.timerService().registerEventTimeTimer(t);
      }
    }
  }

  private static java.util.function.Function<String, Departure> lookup(
      ReadOnlyBroadcastState<String, Departure> departures) {
    return person -> {
      try {
        return departures.get(person);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Override
  public void processBroadcastElement(
      Either<Departure, Map<String, String>> element, Context ctx, Collector<Finding> out)
      throws Exception {
    if (element.isRight()) {
      rules.take(ctx.getBroadcastState(RULES), element.right());
      return;
    }
    KnownIpDetector detector = rules.current(ctx.getBroadcastState(RULES));
    Departure d = element.left();
    ctx.getBroadcastState(DEPARTURES).put(d.getPersonId(), d);
    if (!config.streaming()) {
      return;
    }
    Map<String, Departure> all = new HashMap<>();
    for (Map.Entry<String, Departure> e : ctx.getBroadcastState(DEPARTURES).entries()) {
      all.put(e.getKey(), e.getValue());
    }
    ctx.applyToKeyedState(
        stateDescriptor,
        (ip, st) -> {
          IpState s = st.value();
          if (s != null && s.daysByPerson.containsKey(d.getPersonId())) {
            detector.evaluate(ip, s, all::get).forEach(out::collect);
          }
        });
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out) throws Exception {
    KnownIpDetector detector = rules.current(ctx.getBroadcastState(RULES));
    IpState s = state.value();
    if (timestamp == END_OF_INPUT) {
      if (s != null && !s.shared && !s.daysByPerson.isEmpty()) {
        detector
            .evaluate(ctx.getCurrentKey(), s, lookup(ctx.getBroadcastState(DEPARTURES)))
            .forEach(out::collect);
      }
      return;
    }
    if (s != null && detector.prune(s, timestamp)) {
      state.clear();
    } else if (s != null) {
      state.update(s);
      // a quiet IP still ages out: look again when its newest use has expired
      ctx.timerService().registerEventTimeTimer(Math.max(timestamp + DAY, s.latest + 45 * DAY));
    }
  }
}
