package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.route.SignalRoute;
import io.leaverwatch.jobs.serde.PersonSignalTypeInfo;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.PersonSignal;
import java.util.Set;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends each resolved signal where {@link SignalRoute} says: the main output to the detectors by
 * person, {@link #SOURCE_IP} to the known-IP detector, {@link #DEPARTURES} to its broadcast.
 */
final class RouteSignals extends ProcessFunction<PersonSignal, PersonSignal> {
  static final OutputTag<PersonSignal> SOURCE_IP =
      new OutputTag<>("signals-by-source-ip", new PersonSignalTypeInfo());
  static final OutputTag<Departure> DEPARTURES =
      new OutputTag<>("departures", new AvroTypeInfo<>(Departure.class));

  @Override
  public void processElement(PersonSignal s, Context ctx, Collector<PersonSignal> out) {
    Set<SignalRoute> routes = SignalRoute.of(s);
    if (routes.contains(SignalRoute.PERSON)) {
      out.collect(s);
    }
    if (routes.contains(SignalRoute.SOURCE_IP)) {
      ctx.output(SOURCE_IP, s);
    }
    if (routes.contains(SignalRoute.DEPARTURES)) {
      ctx.output(DEPARTURES, s.getDeparture());
    }
  }
}
