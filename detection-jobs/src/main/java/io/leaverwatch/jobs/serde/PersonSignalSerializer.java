package io.leaverwatch.jobs.serde;

import io.leaverwatch.core.avro.AvroMessages;
import io.leaverwatch.schema.AccessGrant;
import io.leaverwatch.schema.ActionClass;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import io.leaverwatch.schema.Outcome;
import io.leaverwatch.schema.OutcomeResult;
import io.leaverwatch.schema.PersonSignal;
import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import io.leaverwatch.schema.SignalKind;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How signals cross the job's two shuffles (parse → resolver, resolver → known-IP detector). Every
 * event crosses them, so an event is written field by field; Flink's Avro serializer spent most of
 * its time resolving unions by schema name and turning each string into a byte array first. The
 * rare kinds (departures, identities, grants) go as Avro single-object encoded bytes.
 *
 * <p>Records cross the network only, never into a checkpoint (no state holds signals and
 * checkpoints are aligned), so the format can change with the code; it is versioned all the same.
 */
public final class PersonSignalSerializer extends MutableRecordSerializer<PersonSignal> {
  public static final PersonSignalSerializer INSTANCE = new PersonSignalSerializer();

  private static final SignalKind[] KINDS = SignalKind.values();
  private static final Source[] SOURCES = Source.values();
  private static final ActionClass[] CLASSES = ActionClass.values();
  private static final OutcomeResult[] RESULTS = OutcomeResult.values();
  private static final PrincipalType[] TYPES = PrincipalType.values();

  @Override
  public PersonSignal createInstance() {
    return new PersonSignal();
  }

  @Override
  public PersonSignal copy(PersonSignal from) {
    return SpecificData.getForClass(PersonSignal.class)
        .deepCopy(PersonSignal.getClassSchema(), from);
  }

  @Override
  public void serialize(PersonSignal s, DataOutputView out) throws IOException {
    writeEnum(s.getKind(), out);
    Utf8Strings.write(s.getPersonId(), out);
    Utf8Strings.write(s.getRole(), out);
    Utf8Strings.write(s.getIdentity(), out);
    AuditEvent e = s.getEvent();
    out.writeBoolean(e != null);
    if (e != null) {
      writeEvent(e, out);
    }
    writeAvro(s.getDeparture(), out);
    writeAvro(s.getLink(), out);
    writeAvro(s.getGrant(), out);
    writeInstant(s.getAsOf(), out);
  }

  @Override
  public PersonSignal deserialize(DataInputView in) throws IOException {
    SignalKind kind = readEnum(KINDS, in);
    String person = Utf8Strings.read(in);
    String role = Utf8Strings.read(in);
    String identity = Utf8Strings.read(in);
    AuditEvent event = in.readBoolean() ? readEvent(in) : null;
    byte[] departure = readBytes(in);
    byte[] link = readBytes(in);
    byte[] grant = readBytes(in);
    Instant asOf = readInstant(in);
    return new PersonSignal(
        kind,
        person,
        role,
        identity,
        event,
        departure == null ? null : Departure.getDecoder().decode(departure),
        link == null ? null : IdentityLink.getDecoder().decode(link),
        grant == null ? null : AccessGrant.getDecoder().decode(grant),
        asOf);
  }

  @Override
  public TypeSerializerSnapshot<PersonSignal> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores this serializer from a snapshot; public with no arguments, as Flink requires. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<PersonSignal> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  // ------------------------------------------------------------------ events

  static void writeEvent(AuditEvent e, DataOutputView out) throws IOException {
    Utf8Strings.write(e.getEventId(), out);
    writeEnum(e.getSource(), out);
    writeInstant(e.getEventTime(), out);
    Utf8Strings.write(e.getAction(), out);
    writeEnum(e.getActionClass(), out);
    writePrincipal(e.getActor(), out);
    List<Principal> targets = e.getTargets();
    out.writeInt(targets == null ? -1 : targets.size());
    if (targets != null) {
      for (Principal t : targets) {
        writePrincipal(t, out);
      }
    }
    Outcome o = e.getOutcome();
    out.writeBoolean(o != null);
    if (o != null) {
      writeEnum(o.getResult(), out);
      Utf8Strings.write(o.getReason(), out);
    }
    Utf8Strings.write(e.getSourceIp(), out);
    Utf8Strings.write(e.getUserAgent(), out);
    Utf8Strings.write(e.getResource(), out);
    Utf8Strings.write(e.getAccount(), out);
    Utf8Strings.write(e.getRegion(), out);
    Utf8Strings.write(e.getRaw(), out);
  }

  static AuditEvent readEvent(DataInputView in) throws IOException {
    AuditEvent e = new AuditEvent();
    e.setEventId(Utf8Strings.read(in));
    e.setSource(readEnum(SOURCES, in));
    e.setEventTime(readInstant(in));
    e.setAction(Utf8Strings.read(in));
    e.setActionClass(readEnum(CLASSES, in));
    e.setActor(readPrincipal(in));
    int n = in.readInt();
    if (n >= 0) {
      List<Principal> targets = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        targets.add(readPrincipal(in));
      }
      e.setTargets(targets);
    }
    if (in.readBoolean()) {
      e.setOutcome(new Outcome(readEnum(RESULTS, in), Utf8Strings.read(in)));
    }
    e.setSourceIp(Utf8Strings.read(in));
    e.setUserAgent(Utf8Strings.read(in));
    e.setResource(Utf8Strings.read(in));
    e.setAccount(Utf8Strings.read(in));
    e.setRegion(Utf8Strings.read(in));
    e.setRaw(Utf8Strings.read(in));
    return e;
  }

  private static void writePrincipal(Principal p, DataOutputView out) throws IOException {
    out.writeBoolean(p != null);
    if (p == null) {
      return;
    }
    Utf8Strings.write(p.getSystem(), out);
    Utf8Strings.write(p.getKind(), out);
    Utf8Strings.write(p.getId(), out);
    Utf8Strings.write(p.getLogin(), out);
    Utf8Strings.write(p.getEmail(), out);
    Utf8Strings.write(p.getArn(), out);
    Utf8Strings.write(p.getAccessKeyId(), out);
    writeEnum(p.getType(), out);
    Utf8Strings.write(p.getDisplayName(), out);
  }

  private static Principal readPrincipal(DataInputView in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    Principal p = new Principal();
    p.setSystem(Utf8Strings.read(in));
    p.setKind(Utf8Strings.read(in));
    p.setId(Utf8Strings.read(in));
    p.setLogin(Utf8Strings.read(in));
    p.setEmail(Utf8Strings.read(in));
    p.setArn(Utf8Strings.read(in));
    p.setAccessKeyId(Utf8Strings.read(in));
    p.setType(readEnum(TYPES, in));
    p.setDisplayName(Utf8Strings.read(in));
    return p;
  }

  // ------------------------------------------------------------------ parts

  private static void writeEnum(Enum<?> e, DataOutputView out) throws IOException {
    out.writeByte(e == null ? 0 : e.ordinal() + 1);
  }

  private static <E extends Enum<E>> E readEnum(E[] values, DataInputView in) throws IOException {
    int i = in.readUnsignedByte();
    if (i == 0) {
      return null;
    }
    if (i > values.length) {
      throw new IOException("no symbol " + (i - 1) + " in " + values[0].getDeclaringClass());
    }
    return values[i - 1];
  }

  private static void writeInstant(Instant t, DataOutputView out) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(t.toEpochMilli());
    }
  }

  private static Instant readInstant(DataInputView in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochMilli(in.readLong()) : null;
  }

  private static void writeAvro(org.apache.avro.specific.SpecificRecord r, DataOutputView out)
      throws IOException {
    if (r == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes = AvroMessages.encode(r);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
