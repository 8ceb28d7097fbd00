package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.jobs.serde.PersonSignalTypeInfo;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The detection job's topology, one for every mode (streaming from Kafka, bounded over files, the
 * embedded demo). Sources and sinks are injected, and the environment is the caller's: {@link
 * #buildTopology} adds operators and changes none of its settings.
 */
public final class DetectionTopology {
  private DetectionTopology() {}

  /**
   * What a caller sets on its environment to run this topology as it is meant to: no operator
   * mutates or keeps its input (state holds EventRefs, sinks serialise at once), so chained
   * operators may hand records on without a deep copy.
   */
  public static void allowObjectReuse(StreamExecutionEnvironment env) {
    Configuration reuse = new Configuration();
    reuse.set(PipelineOptions.OBJECT_REUSE, true);
    env.configure(reuse);
    env.getConfig().enableObjectReuse();
  }

  public static DetectionOutputs buildTopology(
      StreamExecutionEnvironment env, DetectionSources sources, DetectionConfig config) {
    // signals cross two shuffles, every event among them: written field by field, not by Avro
    TypeInformation<PersonSignal> signalType = new PersonSignalTypeInfo();
    // the rules as data, read once here: no operator reads the folder
    RulesBundle rules = RulesBundle.read(Path.of(config.rulesDir()));

    SingleOutputStreamOperator<AuditEvent> events =
        sources
            .rawEvents()
            .process(new NormalizeFunction(rules, config.maxClockSkew()))
            .returns(new AvroTypeInfo<>(AuditEvent.class))
            .uid("normalize")
            .name("parse + normalise");

    DataStream<PersonSignal> inputs =
        events
            .assignTimestampsAndWatermarks(watermarks(config))
            .uid("event-time")
            .name("event time")
            .map(io.leaverwatch.core.detect.Signals::unresolved)
            .returns(signalType)
            .uid("wrap-events")
            .name("events as signals");
    inputs = union(inputs, sources, signalType);

    // The resolver, the router and (rules fixed) the person detectors share one task
    // (parallelism 1, chained). The router's main output is trivially partitioned by person when
    // there is one partition, so it is reinterpreted as keyed: a forward edge in order, no shuffle
    // by key, END_OF_INPUT behind every signal before it. Rules that change while the job runs
    // reach the person detectors over a broadcast input, which gives them a task of their own (a
    // two-input operator is not chained) and serialises every signal once more on the way there.
    SingleOutputStreamOperator<PersonSignal> routed =
        inputs
            .transform(
                "resolve identities",
                signalType,
                new ResolveIdentitiesOperator(
                    bootstrap(sources), !config.streaming(), config.asOfMillis()))
            .setParallelism(1)
            .setMaxParallelism(1)
            .uid("resolve-identities")
            .process(new RouteSignals())
            .returns(signalType)
            .setParallelism(1)
            .uid("route-signals")
            .name("route signals");

    KeyedStream<PersonSignal, String> byPerson =
        DataStreamUtils.reinterpretAsKeyedStream(routed, PersonSignal::getPersonId, Types.STRING);
    DataStream<Map<String, String>> rulesUpdates =
        liveRules(sources, config) ? rulesUpdates(env, sources, rules) : null;
    SingleOutputStreamOperator<Finding> personFindings =
        (rulesUpdates == null
                ? byPerson.process(new FixedRulesPersonDetectorFunction(config, rules))
                : byPerson
                    .connect(rulesUpdates.broadcast(PersonDetectorFunction.RULES))
                    .process(new PersonDetectorFunction(config, rules)))
            .returns(new AvroTypeInfo<>(Finding.class))
            .setParallelism(1)
            .uid("person-detectors")
            .name("departure join + person detectors");

    DataStream<Either<Departure, Map<String, String>>> departuresForIp =
        routed
            .getSideOutput(RouteSignals.DEPARTURES)
            .map(d -> Either.<Departure, Map<String, String>>Left(d))
            .returns(KnownIpFunction.BROADCAST)
            .setParallelism(1)
            .uid("departures-for-ip")
            .name("departures");
    if (rulesUpdates != null) {
      departuresForIp =
          departuresForIp.union(
              rulesUpdates
                  .map(b -> Either.<Departure, Map<String, String>>Right(b))
                  .returns(KnownIpFunction.BROADCAST)
                  .setParallelism(1)
                  .uid("rules-for-ip")
                  .name("rules"));
    }
    BroadcastStream<Either<Departure, Map<String, String>>> departuresAndRules =
        departuresForIp.broadcast(KnownIpFunction.DEPARTURES, KnownIpFunction.RULES);

    SingleOutputStreamOperator<Finding> ipFindings =
        routed
            .getSideOutput(RouteSignals.SOURCE_IP)
            .keyBy(s -> s.getEvent().getSourceIp())
            .connect(departuresAndRules)
            .process(new KnownIpFunction(config, rules))
            .returns(new AvroTypeInfo<>(Finding.class))
            .uid("known-ip-detector")
            .name("known-IP detector");

    // detectors of other modules (ANOMALOUS_ACTIVITY) attach in StreamingPipeline to the signals
    // the person detectors hand on: chained in their task, off the resolver's thread
    DataStream<Finding> findings = personFindings.union(ipFindings);
    return new DetectionOutputs(
        findings,
        personFindings.getSideOutput(PersonDetectorFunction.STEP_STATUSES),
        events.getSideOutput(NormalizeFunction.DEAD_LETTERS),
        events,
        personFindings.getSideOutput(PersonDetectorFunction.SIGNALS));
  }

  /**
   * Whether the detectors take rules over a broadcast input. A streaming job always does, so a
   * restored job resumes with the rules it last ran with and its operators keep their shape whether
   * reload is on or off; a bounded run does only when it is given bundles to take.
   */
  static boolean liveRules(DetectionSources sources, DetectionConfig config) {
    return config.streaming() || sources.rulesUpdates() != null;
  }

  /** The sources' bundles of the rules, or (none given) the bundle the job is built with. */
  private static DataStream<Map<String, String>> rulesUpdates(
      StreamExecutionEnvironment env, DetectionSources sources, RulesBundle rules) {
    if (sources.rulesUpdates() != null) {
      return sources.rulesUpdates();
    }
    return env.fromData(List.of(rules.toWire()), Types.MAP(Types.STRING, Types.STRING))
        .setParallelism(1)
        .uid("rules-as-built")
        .name("rules as built");
  }

  static WatermarkStrategy<AuditEvent> watermarks(DetectionConfig config) {
    if (!config.streaming()) {
      // bounded: deadlines are evaluated once at the end of input, never by watermark
      return WatermarkStrategy.<AuditEvent>noWatermarks()
          .withTimestampAssigner((e, t) -> e.getEventTime().toEpochMilli());
    }
    return WatermarkStrategy.<AuditEvent>forBoundedOutOfOrderness(config.maxOutOfOrderness())
        .withTimestampAssigner((e, t) -> e.getEventTime().toEpochMilli())
        .withIdleness(java.time.Duration.ofSeconds(30));
  }

  private static DataStream<PersonSignal> union(
      DataStream<PersonSignal> inputs,
      DetectionSources sources,
      TypeInformation<PersonSignal> signalType) {
    if (sources.departures() != null) {
      inputs =
          inputs.union(
              sources
                  .departures()
                  .map(
                      d ->
                          PersonSignal.newBuilder()
                              .setKind(SignalKind.DEPARTURE)
                              .setPersonId(d.getPersonId())
                              .setDeparture(d)
                              .build())
                  .returns(signalType)
                  .uid("wrap-departures")
                  .name("departures as signals"));
    }
    if (sources.identities() != null) {
      inputs =
          inputs.union(
              sources
                  .identities()
                  .map(
                      l ->
                          PersonSignal.newBuilder()
                              .setKind(SignalKind.IDENTITY)
                              .setPersonId(l.getPersonId())
                              .setLink(l)
                              .build())
                  .returns(signalType)
                  .uid("wrap-identities")
                  .name("identities as signals"));
    }
    if (sources.grants() != null) {
      inputs =
          inputs.union(
              sources
                  .grants()
                  .map(
                      g ->
                          PersonSignal.newBuilder()
                              .setKind(SignalKind.GRANT)
                              .setPersonId(g.getPersonId())
                              .setGrant(g)
                              .build())
                  .returns(signalType)
                  .uid("wrap-grants")
                  .name("access snapshots as signals"));
    }
    return inputs;
  }

  private static List<PersonSignal> bootstrap(DetectionSources sources) {
    List<PersonSignal> out = new ArrayList<>();
    // identities first so a departure's systems are known when it arrives
    for (var l : nullSafe(sources.bootstrapIdentities())) {
      out.add(
          PersonSignal.newBuilder()
              .setKind(SignalKind.IDENTITY)
              .setPersonId(l.getPersonId())
              .setLink(l)
              .build());
    }
    for (var d : nullSafe(sources.bootstrapDepartures())) {
      out.add(
          PersonSignal.newBuilder()
              .setKind(SignalKind.DEPARTURE)
              .setPersonId(d.getPersonId())
              .setDeparture(d)
              .build());
    }
    for (var g : nullSafe(sources.bootstrapGrants())) {
      out.add(
          PersonSignal.newBuilder()
              .setKind(SignalKind.GRANT)
              .setPersonId(g.getPersonId())
              .setGrant(g)
              .build());
    }
    return out;
  }

  private static <T> List<T> nullSafe(List<T> l) {
    return l == null ? List.of() : l;
  }
}
