package io.leaverwatch.jobs.pipeline;

import io.leaverwatch.jobs.sink.DeadLetterDocumentMapper;
import io.leaverwatch.jobs.sink.ElasticsearchSink;
import io.leaverwatch.jobs.sink.ElasticsearchSinkConfig;
import io.leaverwatch.jobs.sink.FindingDocumentMapper;
import io.leaverwatch.jobs.sink.StepStatusDocumentMapper;
import io.leaverwatch.jobs.topology.DetectionConfig;
import io.leaverwatch.jobs.topology.DetectionOutputs;
import io.leaverwatch.jobs.topology.DetectionSources;
import io.leaverwatch.jobs.topology.DetectionTopology;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.DeadLetter;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.RawAuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The production wiring: Kafka topics in, the detection topology, then findings to Kafka
 * (transactional, exactly-once with checkpoints) and to Elasticsearch (idempotent upserts by id),
 * step statuses to Elasticsearch, dead letters to audit.dlq.
 */
public final class StreamingPipeline {
  private StreamingPipeline() {}

  public static DetectionOutputs build(
      StreamExecutionEnvironment env,
      PipelineConfig cfg,
      String rulesDir,
      Map<String, String> envVars) {
    env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    // records wait at most 20 ms in a network buffer before it is sent (default 100 ms): two
    // shuffles lie between an event and its finding
    env.setBufferTimeout(20);
    env.setParallelism(cfg.parallelism());
    org.apache.flink.configuration.Configuration c =
        new org.apache.flink.configuration.Configuration();
    c.setString("execution.checkpointing.dir", checkpointDir(cfg));
    // a stopped or crashed run leaves its checkpoints behind: the next start resumes from the
    // newest (RetainedCheckpoints), with the detectors' state and every source's offsets
    c.set(
        org.apache.flink.configuration.CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    c.set(org.apache.flink.configuration.CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    FaultTolerance.configure(c, cfg.restartMaxBackoff());
    env.configure(c);
    DetectionTopology.allowObjectReuse(env);

    DataStream<RawAuditRecord> raw =
        env.fromSource(
                source(
                    cfg,
                    cfg.topic("raw"),
                    startingOffsets(cfg, "raw"),
                    new RawRecordDeserializer()),
                WatermarkStrategy.noWatermarks(),
                "audit.raw")
            .uid("kafka-audit-raw");
    DataStream<Departure> departures =
        env.fromSource(
                source(
                    cfg,
                    cfg.topic("departures"),
                    startingOffsets(cfg, "departures"),
                    new AvroValueDeserializer<>(Departure.class)),
                sideInputWatermarks(),
                "hr.departures")
            .uid("kafka-departures");
    DataStream<IdentityLink> identities =
        env.fromSource(
                source(
                    cfg,
                    cfg.topic("identities"),
                    startingOffsets(cfg, "identities"),
                    new AvroValueDeserializer<>(IdentityLink.class)),
                sideInputWatermarks(),
                "iam.identities")
            .uid("kafka-identities");
    DataStream<AccessGrant> grants =
        env.fromSource(
                source(
                    cfg,
                    cfg.topic("access"),
                    startingOffsets(cfg, "access"),
                    new AvroValueDeserializer<>(AccessGrant.class)),
                sideInputWatermarks(),
                "iam.access-snapshots")
            .uid("kafka-access");

    DetectionSources sources = DetectionSources.streaming(raw, departures, identities, grants);
    if (!cfg.rulesReloadInterval().isZero()) {
      sources =
          sources.withRulesUpdates(
              RulesFolderPoller.updates(env, rulesDir, cfg.rulesReloadInterval()));
    }
    DetectionOutputs out =
        DetectionTopology.buildTopology(
            env,
            sources,
            new DetectionConfig(true, rulesDir, cfg.maxOutOfOrderness(), null, cfg.maxClockSkew()));

    // A finding is re-emitted as it grows (more events, a higher severity): every version of an
    // id must take the same sink task, in order, or an older one could land last. The detectors
    // run at a different parallelism than the sinks, so findings and step statuses are keyed by
    // their id on the way out.
    DataStream<Finding> findings =
        StreamingDetectorExtension.unionAll(out, cfg, rulesDir).keyBy(Finding::getFindingId);
    DataStream<io.leaverwatch.schema.OffboardingStepStatus> stepStatuses =
        out.stepStatuses().keyBy(io.leaverwatch.schema.OffboardingStepStatus::getStatusId);
    findings
        .sinkTo(
            KafkaSink.<Finding>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setKafkaProducerConfig(producerProps(cfg))
                .setRecordSerializer(
                    new AvroRecordSerializer<>(
                        Finding.class,
                        cfg.topic("findings"),
                        f -> f.getFindingId().getBytes(StandardCharsets.UTF_8),
                        true))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(cfg.transactionalIdPrefix())
                .build())
        .uid("kafka-findings")
        .name("leaverwatch.findings");

    DataStream<DeadLetter> deadLetters =
        out.deadLetters()
            .map(d -> stamp(d, cfg.topic("raw")))
            .returns(new org.apache.flink.formats.avro.typeutils.AvroTypeInfo<>(DeadLetter.class))
            .uid("dlq-stamp")
            .name("dead letters");
    deadLetters
        .sinkTo(
            KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setKafkaProducerConfig(producerProps(cfg))
                .setRecordSerializer(
                    new AvroRecordSerializer<>(
                        DeadLetter.class, cfg.topic("dlq"), d -> null, false))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build())
        .uid("kafka-dlq")
        .name("audit.dlq");

    if (cfg.topic("events") != null && !cfg.topic("events").isBlank()) {
      out.events()
          .sinkTo(
              KafkaSink.<AuditEvent>builder()
                  .setBootstrapServers(cfg.bootstrapServers())
                  .setKafkaProducerConfig(producerProps(cfg))
                  .setRecordSerializer(
                      new AvroRecordSerializer<>(
                          AuditEvent.class,
                          cfg.topic("events"),
                          e -> e.getEventId().getBytes(StandardCharsets.UTF_8),
                          false))
                  .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                  .build())
          .uid("kafka-events")
          .name("audit.events");
    }

    if (!cfg.elasticsearchUrls().isEmpty()) {
      ElasticsearchSinkConfig es =
          ElasticsearchSinkConfig.builder()
              .urls(cfg.elasticsearchUrls())
              .indexPrefix(cfg.indexPrefix())
              .credentialsFromEnvironment(envVars)
              .build();
      findings
          .sinkTo(ElasticsearchSink.of(es, new FindingDocumentMapper()))
          .uid("es-findings")
          .name("elasticsearch findings");
      stepStatuses
          .sinkTo(ElasticsearchSink.of(es, new StepStatusDocumentMapper()))
          .uid("es-steps")
          .name("elasticsearch step statuses");
      // input dead letters beside the documents Elasticsearch refused, for the dashboards
      deadLetters
          .sinkTo(ElasticsearchSink.of(es, new DeadLetterDocumentMapper()))
          .uid("es-dlq")
          .name("elasticsearch dead letters");
    }
    return out;
  }

  /**
   * Where checkpoints go: {@code checkpoint_dir}, else {@code .leaverwatch/checkpoints} under the
   * working directory. On disk: the JobManager's in-memory storage caps state at 5 MB, which a few
   * hundred people already exceed.
   */
  public static String checkpointDir(PipelineConfig cfg) {
    return cfg.checkpointDir() != null
        ? cfg.checkpointDir()
        : java.nio.file.Path.of(".leaverwatch", "checkpoints").toAbsolutePath().toUri().toString();
  }

  /**
   * HR and IAM records carry no event time of their own: their sources declare "no holding back" so
   * that event time, and with it the revocation deadlines, follows the audit events alone.
   */
  static <T> WatermarkStrategy<T> sideInputWatermarks() {
    return WatermarkStrategy.forGenerator(
        ctx ->
            new org.apache.flink.api.common.eventtime.WatermarkGenerator<T>() {
              @Override
              public void onEvent(
                  T event, long ts, org.apache.flink.api.common.eventtime.WatermarkOutput out) {}

              @Override
              public void onPeriodicEmit(
                  org.apache.flink.api.common.eventtime.WatermarkOutput out) {
                out.emitWatermark(
                    new org.apache.flink.api.common.eventtime.Watermark(Long.MAX_VALUE - 1));
              }
            });
  }

  /** A dead letter gets its topic and position from the record's origin/cursor when it has one. */
  static DeadLetter stamp(DeadLetter d, String rawTopic) {
    if (d.getTopic() == null && rawTopic.equals(d.getOrigin()) && d.getCursor() != null) {
      String[] pos = d.getCursor().split("@", 2);
      try {
        d.setTopic(rawTopic);
        d.setPartition(Integer.parseInt(pos[0]));
        d.setOffset(Long.parseLong(pos[1]));
      } catch (RuntimeException ignored) {
        // keep what we have: the cursor is still in the record
      }
    } else if (d.getTopic() == null
        && d.getCursor() != null
        && d.getCursor().startsWith("kafka:")) {
      String c = d.getCursor().substring(6);
      int slash = c.indexOf('/');
      int at = c.indexOf('@');
      if (slash > 0 && at > slash) {
        d.setTopic(c.substring(0, slash));
        d.setPartition(Integer.parseInt(c.substring(slash + 1, at)));
        d.setOffset(Long.parseLong(c.substring(at + 1)));
      }
    }
    if (d.getFailedAt() == null) {
      d.setFailedAt(Instant.now());
    }
    return d;
  }

  /**
   * Where a fresh start (no checkpoint or savepoint restored) reads each topic. {@code
   * starting_offsets} applies to the streams of observations; {@code hr.departures} and {@code
   * iam.identities} are compacted tables, the state every detector joins against, so they are read
   * from the earliest offset whatever it says: a restart with {@code committed} would otherwise
   * forget every departure and identity published before it. A restored job resumes every topic
   * from the offsets in its checkpoint, the resolver's state holding what came before.
   */
  static OffsetsInitializer startingOffsets(PipelineConfig cfg, String topicKey) {
    if (topicKey.equals("departures") || topicKey.equals("identities")) {
      return OffsetsInitializer.earliest();
    }
    switch (cfg.startingOffsets()) {
      case "latest":
        return OffsetsInitializer.latest();
      case "committed":
        return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      default:
        return OffsetsInitializer.earliest();
    }
  }

  private static <T> KafkaSource<T> source(
      PipelineConfig cfg,
      String topic,
      OffsetsInitializer start,
      KafkaRecordDeserializationSchema<T> deserializer) {
    Properties p = cfg.kafkaSecurity();
    p.setProperty("isolation.level", "read_committed");
    return KafkaSource.<T>builder()
        .setBootstrapServers(cfg.bootstrapServers())
        .setTopics(topic)
        .setGroupId(cfg.groupId())
        .setStartingOffsets(start)
        .setDeserializer(deserializer)
        .setProperties(p)
        .build();
  }

  private static Properties producerProps(PipelineConfig cfg) {
    Properties p = cfg.kafkaSecurity();
    p.setProperty("transaction.timeout.ms", "900000");
    // audit.events carries every event with its payload: batches of 256 KB compressed with lz4
    // cost the broker a fraction of the requests and bytes of the defaults (16 KB, none), for
    // at most 20 ms more on a finding's way out
    p.setProperty("linger.ms", "20");
    p.setProperty("batch.size", String.valueOf(256 * 1024));
    p.setProperty("compression.type", "lz4");
    return p;
  }
}
