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
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * How signals cross the job's two shuffles (parse → resolver, resolver → known-IP detector). Every
 * event crosses them, so an event is written field by field; Flink's Avro serializer spent most of
 * its time resolving unions by schema name and turning each string into a byte array first. The
 * rare kinds (departures, identities, grants) go as Avro single-object encoded bytes.
 *
 * <p>Records cross the network only, never into a checkpoint (no state holds signals and
 * checkpoints are aligned), so the format can change with the code; it is versioned all the same.
 */
public final class PersonSignalSerializer extends TypeSerializerSingleton<PersonSignal> {
  public static final PersonSignalSerializer INSTANCE = new PersonSignalSerializer();

  private static final SignalKind[] KINDS = SignalKind.values();
  private static final Source[] SOURCES = Source.values();
  private static final ActionClass[] CLASSES = ActionClass.values();
  private static final OutcomeResult[] RESULTS = OutcomeResult.values();
  private static final PrincipalType[] TYPES = PrincipalType.values();

  @Override
  public boolean isImmutableType() {
    return false;
  }

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
  public PersonSignal copy(PersonSignal from, PersonSignal reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(PersonSignal s, DataOutputView out) throws IOException {
    writeEnum(s.getKind(), out);
    StringValue.writeString(s.getPersonId(), out);
    StringValue.writeString(s.getRole(), out);
    StringValue.writeString(s.getIdentity(), out);
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
    String person = StringValue.readString(in);
    String role = StringValue.readString(in);
    String identity = StringValue.readString(in);
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
  public PersonSignal deserialize(PersonSignal reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
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
    StringValue.writeString(e.getEventId(), out);
    writeEnum(e.getSource(), out);
    writeInstant(e.getEventTime(), out);
    StringValue.writeString(e.getAction(), out);
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
      StringValue.writeString(o.getReason(), out);
    }
    StringValue.writeString(e.getSourceIp(), out);
    StringValue.writeString(e.getUserAgent(), out);
    StringValue.writeString(e.getResource(), out);
    StringValue.writeString(e.getAccount(), out);
    StringValue.writeString(e.getRegion(), out);
    StringValue.writeString(e.getRaw(), out);
  }

  static AuditEvent readEvent(DataInputView in) throws IOException {
    AuditEvent e = new AuditEvent();
    e.setEventId(StringValue.readString(in));
    e.setSource(readEnum(SOURCES, in));
    e.setEventTime(readInstant(in));
    e.setAction(StringValue.readString(in));
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
      e.setOutcome(new Outcome(readEnum(RESULTS, in), StringValue.readString(in)));
    }
    e.setSourceIp(StringValue.readString(in));
    e.setUserAgent(StringValue.readString(in));
    e.setResource(StringValue.readString(in));
    e.setAccount(StringValue.readString(in));
    e.setRegion(StringValue.readString(in));
    e.setRaw(StringValue.readString(in));
    return e;
  }

  private static void writePrincipal(Principal p, DataOutputView out) throws IOException {
    out.writeBoolean(p != null);
    if (p == null) {
      return;
    }
    StringValue.writeString(p.getSystem(), out);
    StringValue.writeString(p.getKind(), out);
    StringValue.writeString(p.getId(), out);
    StringValue.writeString(p.getLogin(), out);
    StringValue.writeString(p.getEmail(), out);
    StringValue.writeString(p.getArn(), out);
    StringValue.writeString(p.getAccessKeyId(), out);
    writeEnum(p.getType(), out);
    StringValue.writeString(p.getDisplayName(), out);
  }

  private static Principal readPrincipal(DataInputView in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    Principal p = new Principal();
    p.setSystem(StringValue.readString(in));
    p.setKind(StringValue.readString(in));
    p.setId(StringValue.readString(in));
    p.setLogin(StringValue.readString(in));
    p.setEmail(StringValue.readString(in));
    p.setArn(StringValue.readString(in));
    p.setAccessKeyId(StringValue.readString(in));
    p.setType(readEnum(TYPES, in));
    p.setDisplayName(StringValue.readString(in));
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
