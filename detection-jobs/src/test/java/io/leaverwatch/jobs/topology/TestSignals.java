package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import io.leaverwatch.core.detect.IdentityResolver;
import io.leaverwatch.core.route.SignalRoute;
import io.leaverwatch.jobs.TestDirs;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import io.leaverwatch.schema.Finding;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.Source;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Named instants, small builders, and the resolver in front of the operators under test: the
 * signals fed to a harness are the ones the job's resolver would send.
 */
final class TestSignals {
  static final Instant T0 = Instant.parse("2026-10-01T12:00:00Z");
  static final Instant T0_PLUS_10M = T0.plus(Duration.ofMinutes(10));
  static final Instant T0_PLUS_30M = T0.plus(Duration.ofMinutes(30));
  static final Instant T0_PLUS_59M = T0.plus(Duration.ofMinutes(59));
  static final Instant T0_PLUS_1H = T0.plus(Duration.ofHours(1));
  static final Instant T0_PLUS_2H = T0.plus(Duration.ofHours(2));
  static final Instant T0_PLUS_5H = T0.plus(Duration.ofHours(5));
  static final Instant T0_PLUS_1D = T0.plus(Duration.ofDays(1));
  static final Instant T0_MINUS_5D = T0.minus(Duration.ofDays(5));

  /** departed_at + the 14-day history horizon + a day. */
  static final Instant PAST_HORIZON = T0.plus(Duration.ofDays(15));

  static final String ALICE_EMAIL = "alice@corp.example.com";
  static final Principal ALICE_OKTA = oktaUser("00ualice", ALICE_EMAIL);
  static final Principal OKTA_BOT = oktaUser("00usvcoffboard0001", "svc-offboarding@example.com");

  private static int counter;

  private TestSignals() {}

  static Path rulesDir() {
    return TestDirs.rules();
  }

  /** The per-person detectors in streaming mode, as Flink runs them, with the project's rules. */
  static KeyedBroadcastOperatorTestHarness<String, PersonSignal, Map<String, String>, Finding>
      personDetectors() throws Exception {
    return personDetectors(RulesBundle.read(rulesDir()));
  }

  /** What {@code KeyedOneInputStreamOperatorTestHarness.numKeyedStateEntries()} counts. */
  static int numKeyedStateEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> harness) {
    var backend =
        ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) harness.getOperator())
            .getKeyedStateBackend();
    return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) backend)
        .numKeyValueStateEntries();
  }

  static KeyedBroadcastOperatorTestHarness<String, PersonSignal, Map<String, String>, Finding>
      personDetectors(RulesBundle rules) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new PersonDetectorFunction(DetectionConfig.streaming(rulesDir().toString()), rules),
        PersonSignal::getPersonId,
        Types.STRING,
        PersonDetectorFunction.RULES);
  }

  static Departure departure(String person, String email, Instant departedAt) {
    return Departure.newBuilder()
        .setPersonId(person)
        .setEmail(email)
        .setRole("software-engineer")
        .setNoticeAt(departedAt.minus(Duration.ofDays(10)))
        .setDepartedAt(departedAt)
        .setStatus(DepartureStatus.DEPARTED)
        .build();
  }

  static Departure rescinded(Departure d) {
    return Departure.newBuilder(d).setStatus(DepartureStatus.RESCINDED).build();
  }

  static IdentityLink link(String person, String system, String identity) {
    return IdentityLink.newBuilder()
        .setPersonId(person)
        .setSystem(system)
        .setIdentity(identity)
        .build();
  }

  static Principal oktaUser(String id, String email) {
    return Principal.newBuilder()
        .setSystem("okta")
        .setKind("okta_user")
        .setId(id)
        .setLogin(email)
        .setEmail(email)
        .setType(PrincipalType.HUMAN)
        .build();
  }

  static AuditEvent event(
      Source source, String action, ActionClass cls, Instant at, Principal actor, String ip) {
    return event(source, action, cls, at, actor, null, ip);
  }

  static AuditEvent event(
      Source source,
      String action,
      ActionClass cls,
      Instant at,
      Principal actor,
      Principal target,
      String ip) {
    return AuditEvent.newBuilder()
        .setEventId("evt-" + (++counter))
        .setSource(source)
        .setEventTime(at)
        .setAction(action)
        .setActionClass(cls)
        .setActor(actor)
        .setTargets(target == null ? List.of() : List.of(target))
        .setSourceIp(ip)
        .setOutcome(new Outcome(OutcomeResult.SUCCESS, null))
        .setRaw("{\"action\":\"" + action + "\"}")
        .build();
  }

  static AuditEvent aliceSession(Instant at) {
    return aliceSession(at, "198.51.100.7");
  }

  static AuditEvent aliceSession(Instant at, String ip) {
    return event(Source.OKTA, "user.session.start", ActionClass.AUTHENTICATION, at, ALICE_OKTA, ip);
  }

  static AuditEvent deactivateAlice(Instant at) {
    return event(
        Source.OKTA,
        "user.lifecycle.deactivate",
        ActionClass.REVOCATION,
        at,
        OKTA_BOT,
        ALICE_OKTA,
        null);
  }

  /** The identity resolver as the job runs it, in front of the operator under test. */
  static final class Resolver {
    private final IdentityResolver resolver = new IdentityResolver();

    List<PersonSignal> identity(IdentityLink l) {
      return resolver.onIdentity(l);
    }

    List<PersonSignal> departure(Departure d) {
      return resolver.onDeparture(d);
    }

    List<PersonSignal> event(AuditEvent e) {
      return resolver.onEvent(e);
    }

    List<PersonSignal> grant(io.leaverwatch.schema.AccessGrant g) {
      return resolver.onGrant(g);
    }

    /** What the job routes to the per-person detectors. */
    static List<PersonSignal> forPersons(List<PersonSignal> signals) {
      return signals.stream()
          .filter(s -> SignalRoute.of(s).contains(SignalRoute.PERSON))
          .collect(Collectors.toList());
    }

    /** What the job routes to the known-IP detector. */
    static List<PersonSignal> forIps(List<PersonSignal> signals) {
      return signals.stream()
          .filter(s -> SignalRoute.of(s).contains(SignalRoute.SOURCE_IP))
          .collect(Collectors.toList());
    }
  }
}
