package io.leaverwatch.jobs;

import io.leaverwatch.jobs.serde.PersonSignalTypeInfo;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The detection job, one topology for every mode (streaming from Kafka, bounded over files, the
 * embedded demo). Sources and sinks are injected; {@link #buildTopology} reads like a table of
 * contents.
 */
public final class DetectionJob {
  private DetectionJob() {}

  /**
   * Entry point of the job jar ({@code flink run -c io.leaverwatch.jobs.DetectionJob
   * leaverwatch-job.jar --config leaverwatch.yaml}): Kafka in, Kafka and Elasticsearch out.
   */
  public static void main(String[] args) throws Exception {
    io.leaverwatch.core.avro.AvroFastReader.enable();
    java.nio.file.Path config = null;
    boolean allowInsecure = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = java.nio.file.Path.of(args[++i]);
      } else if (args[i].equals("--allow-insecure")) {
        allowInsecure = true;
      } else {
        throw new IllegalArgumentException(
            "usage: DetectionJob --config leaverwatch.yaml [--allow-insecure] (unknown argument "
                + args[i]
                + ")");
      }
    }
    var env = System.getenv();
    var cfg = io.leaverwatch.jobs.pipeline.PipelineConfig.load(config, env);
    var cleartext = cfg.cleartextCredentials(env);
    if (!allowInsecure && !cleartext.isEmpty()) {
      throw new IllegalArgumentException(
          String.join("; ", cleartext) + ": refused (use TLS, or pass --allow-insecure)");
    }
    String rules = cfg.rulesDir() != null ? cfg.rulesDir() : "rules";
    StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
    io.leaverwatch.jobs.pipeline.StreamingPipeline.build(flink, cfg, rules, env);
    flink.execute("leaverwatch detection");
  }

  public static DetectionOutputs buildTopology(
      StreamExecutionEnvironment env, DetectionSources sources, DetectionConfig config) {
    // signals cross two shuffles, every event among them: written field by field, not by Avro
    TypeInformation<PersonSignal> signalType = new PersonSignalTypeInfo();
    // no operator mutates or keeps its input (state holds EventRefs, sinks serialise at once), so
    // chained operators may hand records on without a deep copy
    org.apache.flink.configuration.Configuration reuse =
        new org.apache.flink.configuration.Configuration();
    reuse.set(org.apache.flink.configuration.PipelineOptions.OBJECT_REUSE, true);
    env.configure(reuse);
    env.getConfig().enableObjectReuse();

    SingleOutputStreamOperator<AuditEvent> events =
        sources
            .rawEvents()
            .process(new NormalizeFunction(config.rulesDir(), config.maxClockSkew()))
            .returns(new AvroTypeInfo<>(AuditEvent.class))
            .uid("normalize")
            .name("parse + normalise");

    DataStream<AuditEvent> timed =
        events
            .assignTimestampsAndWatermarks(watermarks(config))
            .uid("event-time")
            .name("event time");

    DataStream<PersonSignal> inputs =
        timed
            .map(io.leaverwatch.core.detect.Signals::unresolved)
            .returns(signalType)
            .uid("wrap-events")
            .name("events as signals");
    inputs = union(inputs, sources, signalType);

    SingleOutputStreamOperator<PersonSignal> resolved =
        inputs
            .transform(
                "resolve identities",
                signalType,
                new ResolveIdentitiesOperator(
                    bootstrap(sources), !config.streaming(), config.asOfMillis()))
            .setParallelism(1)
            .setMaxParallelism(1)
            .uid("resolve-identities");

    // The detectors by person run in the resolver's own task (parallelism 1, chained, no
    // shuffle): the resolver's output is trivially partitioned by person when there is one
    // partition, so it is reinterpreted as keyed instead of being serialised and shuffled. This
    // also keeps END_OF_INPUT behind every signal before it. The splits stay in that task too.
    SingleOutputStreamOperator<Finding> personFindings =
        DataStreamUtils.reinterpretAsKeyedStream(
                resolved
                    .filter(s -> s.getPersonId() != null && !"IP".equals(s.getRole()))
                    .returns(signalType)
                    .setParallelism(1)
                    .uid("person-signals")
                    .name("person signals"),
                PersonSignal::getPersonId,
                Types.STRING)
            .process(new PersonDetectorFunction(config))
            .returns(new AvroTypeInfo<>(Finding.class))
            .setParallelism(1)
            .uid("person-detectors")
            .name("departure join + person detectors");

    BroadcastStream<Departure> departures =
        resolved
            .filter(s -> s.getKind() == SignalKind.DEPARTURE)
            .returns(signalType)
            .setParallelism(1)
            .uid("departure-signals")
            .name("departures")
            .map(PersonSignal::getDeparture)
            .returns(new AvroTypeInfo<>(Departure.class))
            .setParallelism(1)
            .uid("departures-unwrap")
            .name("departures (broadcast)")
            .broadcast(KnownIpFunction.DEPARTURES);

    SingleOutputStreamOperator<Finding> ipFindings =
        resolved
            .filter(s -> "IP".equals(s.getRole()))
            .returns(signalType)
            .setParallelism(1)
            .uid("ip-signals")
            .name("events by source ip")
            .keyBy(s -> s.getEvent().getSourceIp())
            .connect(departures)
            .process(new KnownIpFunction(config))
            .returns(new AvroTypeInfo<>(Finding.class))
            .uid("known-ip-detector")
            .name("known-IP detector");

    // detectors of other modules (ANOMALOUS_ACTIVITY) attach to `resolved` in StreamingPipeline
    DataStream<Finding> findings = personFindings.union(ipFindings);
    return new DetectionOutputs(
        findings,
        personFindings.getSideOutput(PersonDetectorFunction.STEP_STATUSES),
        events.getSideOutput(NormalizeFunction.DEAD_LETTERS),
        events,
        resolved);
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
