package io.leaverwatch.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.jobs.serde.PersonSignalTypeInfo;
import io.leaverwatch.jobs.topology.ResolveIdentitiesOperator;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.SignalKind;
import io.leaverwatch.schema.Source;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} stopped and started again, as RunCommand does it: the second start finds the newest
 * checkpoint the first left behind and passes it as the state to recover, and the identity resolver
 * comes back knowing the departure it saw before the stop.
 */
class RestoreFromRetainedCheckpointITCase {
  static final Instant T0 = Instant.parse("2026-10-01T12:00:00Z");
  static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;

  /** Before the stop: Alice's identity, her departure, then quiet signals that change nothing. */
  static final class BeforeTheStop implements GeneratorFunction<Long, PersonSignal> {
    @Override
    public PersonSignal map(Long i) {
      if (i == 0) {
        return PersonSignal.newBuilder()
            .setKind(SignalKind.IDENTITY)
            .setPersonId("p1")
            .setLink(
                IdentityLink.newBuilder()
                    .setPersonId("p1")
                    .setSystem("okta")
                    .setIdentity("00ualice")
                    .build())
            .build();
      }
      if (i == 1) {
        return PersonSignal.newBuilder()
            .setKind(SignalKind.DEPARTURE)
            .setPersonId("p1")
            .setDeparture(
                Departure.newBuilder()
                    .setPersonId("p1")
                    .setEmail("alice@corp.example.com")
                    .setRole("software-engineer")
                    .setDepartedAt(T0)
                    .setStatus(DepartureStatus.DEPARTED)
                    .build())
            .build();
      }
      return PersonSignal.newBuilder().setKind(SignalKind.END_OF_INPUT).build();
    }
  }

  /** After the restart: Alice's Okta user signs in. */
  static final class AfterTheRestart implements GeneratorFunction<Long, PersonSignal> {
    @Override
    public PersonSignal map(Long i) {
      AuditEvent e =
          AuditEvent.newBuilder()
              .setEventId("after-" + i)
              .setSource(Source.OKTA)
              .setEventTime(T0.plus(Duration.ofDays(20)))
              .setAction("user.session.start")
              .setActionClass(ActionClass.AUTHENTICATION)
              .setActor(
                  Principal.newBuilder()
                      .setSystem("okta")
                      .setKind("okta_user")
                      .setId("00ualice")
                      .build())
              .setOutcome(new Outcome(OutcomeResult.SUCCESS, null))
              .setRaw("{}")
              .build();
      return io.leaverwatch.core.detect.Signals.unresolved(e);
    }
  }

  private CloseableIterator<PersonSignal> start(
      GeneratorFunction<Long, PersonSignal> signals, Optional<String> resumeFrom) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    resumeFrom.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p));
    // the collect sink of executeAndCollect has no uid of its own: its state is not ours to keep
    conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    env.enableCheckpointing(200);
    Configuration c = new Configuration();
    c.setString("execution.checkpointing.dir", dir.toUri().toString());
    c.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    env.configure(c);
    return env.fromSource(
            new DataGeneratorSource<>(
                signals,
                Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(20),
                new PersonSignalTypeInfo()),
            WatermarkStrategy.noWatermarks(),
            "signals")
        .uid("signals")
        .transform(
            "resolve identities",
            new PersonSignalTypeInfo(),
            new ResolveIdentitiesOperator(List.of(), false, null))
        .uid("resolve-identities")
        .executeAndCollect();
  }

  @Test
  void aRestartResumesFromTheNewestRetainedCheckpointWithTheResolversDepartures() throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    try (CloseableIterator<PersonSignal> first = start(new BeforeTheStop(), Optional.empty())) {
      while (first.hasNext()) {
        if (first.next().getKind() == SignalKind.DEPARTURE) {
          break;
        }
      }
      // two checkpoints completed after the departure went through: the newest holds it. The
      // resolver forwards nothing more, so this polls the folder rather than the job's output.
      Optional<String> seen = RetainedCheckpoints.latest(dir.toString());
      int newer = 0;
      while (newer < 2 && System.nanoTime() < deadline) {
        Optional<String> now = RetainedCheckpoints.latest(dir.toString());
        if (now.isPresent() && !now.equals(seen)) {
          newer++;
          seen = now;
        }
        Thread.sleep(50); // poll interval of a deadline loop
      }
      assertThat(newer).as("checkpoints completed within %s", DEADLINE).isEqualTo(2);
    }
    // the job was cancelled: its checkpoints are still there
    Optional<String> resume = RetainedCheckpoints.latest(dir.toString());
    assertThat(resume).isPresent();

    java.util.concurrent.ExecutorService reader =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try (CloseableIterator<PersonSignal> second = start(new AfterTheRestart(), resume)) {
      java.util.concurrent.Future<PersonSignal> first =
          reader.submit(
              () -> {
                while (second.hasNext()) {
                  PersonSignal s = second.next();
                  if (s.getKind() == SignalKind.EVENT && "ACTOR".equals(s.getRole())) {
                    return s;
                  }
                }
                return null;
              });
      PersonSignal event =
          first.get(
              Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
      assertThat(event).as("the restored job resolves Alice's sign-in").isNotNull();
      assertThat(event.getPersonId()).isEqualTo("p1");
      assertThat(event.getDeparture()).as("the departure seen before the stop").isNotNull();
      assertThat(event.getDeparture().getDepartedAt()).isEqualTo(T0);
    } finally {
      reader.shutdownNow();
    }
  }
}
