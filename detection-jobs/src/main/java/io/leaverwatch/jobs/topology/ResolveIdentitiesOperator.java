package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.detect.IdentityResolver;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.SignalKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The identity directory is global: any event can teach it a key that every later event needs. It
 * runs with parallelism 1 (hash lookups only, far from the bottleneck) and snapshots the directory
 * as operator state, with the latest departure of each person: a person whose detector state was
 * cleared after its horizon gets the departure back with their next event, and a restored job must
 * still know it. Inputs given up front ({@code bootstrap}: the departures and identities of a
 * bounded run) are emitted before the first event, so a bounded run never depends on which file was
 * read first. At the end of a bounded input it tells every departed person's detector that input is
 * over, with the "as of" instant.
 */
public final class ResolveIdentitiesOperator extends AbstractStreamOperator<PersonSignal>
    implements OneInputStreamOperator<PersonSignal, PersonSignal>, BoundedOneInput {

  private final List<PersonSignal> bootstrap;
  private final boolean emitEndOfInput;
  private final Long asOfMillis;

  private transient IdentityResolver resolver;
  private transient boolean bootstrapped;
  private transient long maxEventTime;
  private transient ListState<String> directoryState;
  private transient ListState<Departure> departuresState;

  public ResolveIdentitiesOperator(
      List<PersonSignal> bootstrap, boolean emitEndOfInput, Long asOfMillis) {
    this.bootstrap = new ArrayList<>(bootstrap);
    this.emitEndOfInput = emitEndOfInput;
    this.asOfMillis = asOfMillis;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    resolver = new IdentityResolver();
    maxEventTime = Long.MIN_VALUE;
    directoryState =
        context
            .getOperatorStateStore()
            .getUnionListState(new ListStateDescriptor<>("identity-directory", Types.STRING));
    Map<String, String> restored = new java.util.HashMap<>();
    for (String entry : directoryState.get()) {
      int sep = entry.indexOf('\u0000');
      if (entry.startsWith("D\u0000")) {
        resolver.departedPersons().add(entry.substring(2));
      } else if (sep > 0) {
        restored.put(entry.substring(0, sep), entry.substring(sep + 1));
      }
    }
    resolver.directory().restore(restored);
    // absent from checkpoints taken before it was kept: such a job restores without it
    departuresState =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>("departures", new AvroTypeInfo<>(Departure.class)));
    for (Departure d : departuresState.get()) {
      resolver.departures().put(d.getPersonId(), d);
      resolver.departedPersons().add(d.getPersonId());
    }
    bootstrapped = context.isRestored();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    List<String> entries = new ArrayList<>();
    resolver.directory().snapshot().forEach((k, v) -> entries.add(k + '\u0000' + v));
    resolver.departedPersons().forEach(p -> entries.add("D\u0000" + p));
    directoryState.update(entries);
    departuresState.update(new ArrayList<>(resolver.departures().values()));
  }

  @Override
  public void processElement(StreamRecord<PersonSignal> element) {
    bootstrapOnce();
    PersonSignal s = element.getValue();
    if (s.getKind() == SignalKind.EVENT) {
      maxEventTime = Math.max(maxEventTime, s.getEvent().getEventTime().toEpochMilli());
    }
    for (PersonSignal o : resolve(s)) {
      output.collect(element.replace(o));
    }
  }

  private List<PersonSignal> resolve(PersonSignal s) {
    switch (s.getKind()) {
      case EVENT:
        return resolver.onEvent(s.getEvent());
      case DEPARTURE:
        return resolver.onDeparture(s.getDeparture());
      case IDENTITY:
        return resolver.onIdentity(s.getLink());
      case GRANT:
        return resolver.onGrant(s.getGrant());
      default:
        return List.of();
    }
  }

  private void bootstrapOnce() {
    if (bootstrapped) {
      return;
    }
    bootstrapped = true;
    for (PersonSignal s : bootstrap) {
      for (PersonSignal o : resolve(s)) {
        output.collect(new StreamRecord<>(o, Long.MIN_VALUE));
      }
    }
  }

  @Override
  public void endInput() {
    bootstrapOnce();
    if (!emitEndOfInput) {
      return;
    }
    long asOf = asOfMillis != null ? asOfMillis : maxEventTime;
    if (asOf == Long.MIN_VALUE) {
      asOf = 0L;
    }
    for (String person : resolver.departedPersons()) {
      output.collect(
          new StreamRecord<>(
              PersonSignal.newBuilder()
                  .setKind(SignalKind.END_OF_INPUT)
                  .setPersonId(person)
                  .setAsOf(Instant.ofEpochMilli(asOf))
                  .build(),
              Long.MAX_VALUE));
    }
  }
}
