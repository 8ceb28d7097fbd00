package io.leaverwatch.jobs.bounded;

import io.leaverwatch.core.avro.RecordJson;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.jobs.topology.DetectionConfig;
import io.leaverwatch.jobs.topology.DetectionOutputs;
import io.leaverwatch.jobs.topology.DetectionSources;
import io.leaverwatch.jobs.topology.DetectionTopology;
import io.leaverwatch.jobs.topology.NormalizeFunction;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.OffboardingStepStatus;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** {@code leaverwatch detect}: the detection job, bounded, over files, on a Flink MiniCluster. */
public final class BoundedDetection {
  /** What a bounded run reads and writes. */
  public record Request(
      List<Path> eventInputs,
      List<Departure> departures,
      List<IdentityLink> identities,
      List<AccessGrant> grants,
      Path rulesDir,
      Long asOfMillis,
      Path findingsOut,
      Path stepsOut,
      Path deadLettersOut,
      int parallelism,
      Path accessFile) {
    public Request(
        List<Path> eventInputs,
        List<Departure> departures,
        List<IdentityLink> identities,
        List<AccessGrant> grants,
        Path rulesDir,
        Long asOfMillis,
        Path findingsOut,
        Path stepsOut,
        Path deadLettersOut,
        int parallelism) {
      this(
          eventInputs,
          departures,
          identities,
          grants,
          rulesDir,
          asOfMillis,
          findingsOut,
          stepsOut,
          deadLettersOut,
          parallelism,
          null);
    }
  }

  private BoundedDetection() {}

  /** An id function Flink can ship with the job graph. */
  private interface IdOf<T> extends java.io.Serializable {
    String id(T element);
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> SortedNdjsonSink<T> ndjson(
      Path path, IdOf<T> idOf) {
    return new SortedNdjsonSink<>(
        path,
        new SortedNdjsonSink.Lines<T>() {
          @Override
          public String id(T element) {
            return idOf.id(element);
          }

          @Override
          public String json(T element) {
            return RecordJson.toJson(element);
          }
        });
  }

  public static JobExecutionResult run(Request r) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(r.parallelism(), conf);
    build(env, r);
    return env.execute("leaverwatch detect");
  }

  public static void build(StreamExecutionEnvironment env, Request r) {
    DetectionTopology.allowObjectReuse(env);
    List<Path> files = RecordReader.expand(r.eventInputs());
    SingleOutputStreamOperator<RawAuditRecord> raw =
        env.fromSequence(0, files.size() - 1)
            .rebalance()
            .process(new FileRecordsFunction(files))
            .returns(new AvroTypeInfo<>(RawAuditRecord.class))
            .uid("read-files")
            .name("read files");
    DetectionConfig config = DetectionConfig.bounded(r.rulesDir().toString(), r.asOfMillis());
    // access snapshots can be large: they are read by a task as a stream, not shipped inside the
    // job graph like the departures and identities (which must be known before the first event)
    DataStream<AccessGrant> grants = null;
    if (r.accessFile() != null) {
      String access = r.accessFile().toString();
      grants =
          env.fromSequence(0, 0)
              .flatMap(
                  (Long i, org.apache.flink.util.Collector<AccessGrant> out) ->
                      io.leaverwatch.core.people.PeopleFiles.readAccess(Path.of(access))
                          .forEach(out::collect))
              .returns(new AvroTypeInfo<>(AccessGrant.class))
              .uid("read-access")
              .name("read access snapshots");
    }
    DetectionSources sources =
        new DetectionSources(raw, null, null, grants, r.departures(), r.identities(), r.grants());
    DetectionOutputs out = DetectionTopology.buildTopology(env, sources, config);

    out.findings()
        .sinkTo(ndjson(r.findingsOut(), (Finding f) -> f.getFindingId()))
        .setParallelism(1)
        .uid("findings-file")
        .name("findings file");
    if (r.stepsOut() != null) {
      out.stepStatuses()
          .sinkTo(ndjson(r.stepsOut(), (OffboardingStepStatus s) -> s.getStatusId()))
          .setParallelism(1)
          .uid("steps-file")
          .name("step statuses file");
    }
    DataStream<DeadLetter> dead =
        out.deadLetters().union(raw.getSideOutput(NormalizeFunction.DEAD_LETTERS));
    if (r.deadLettersOut() != null) {
      dead.sinkTo(
              ndjson(
                  r.deadLettersOut(),
                  (DeadLetter d) ->
                      d.getOrigin() + "\u0000" + d.getCursor() + "\u0000" + d.getReason()))
          .setParallelism(1)
          .uid("dlq-file")
          .name("dead letters file");
    }
  }
}
