package io.leaverwatch.anomaly;

import io.leaverwatch.core.detect.IdentityDirectory;
import io.leaverwatch.core.json.AuditEventJson;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Every person's closed days from a bounded input: audit logs (anything {@code normalize} takes) or
 * the AuditEvent NDJSON {@code normalize} writes, resolved to people by their identities. An event
 * counts for the person who acted (its actor); a leaver's events from {@code departed_at} on are
 * left to the post-departure detector.
 */
public final class PersonDays {
  /** What was read and what it became. */
  public record Extraction(
      Map<String, List<PersonDay>> days, long events, long unresolved, long rejected) {
    public int personDays() {
      return days.values().stream().mapToInt(List::size).sum();
    }
  }

  private PersonDays() {}

  public static Extraction read(
      AnomalyRules rules,
      ActionClassifier classifier,
      List<Path> inputs,
      List<Departure> departures,
      List<IdentityLink> identities) {
    Builder b = new Builder(rules, departures, identities);
    List<Path> files = RecordReader.expand(inputs);
    List<Path> native_ = new ArrayList<>();
    for (Path f : files) {
      if (isNormalized(f)) {
        readNormalized(f, b);
      } else {
        native_.add(f);
      }
    }
    if (!native_.isEmpty()) {
      EventNormalizer normalizer = new EventNormalizer(classifier);
      try (RecordReader reader = RecordReader.open(native_, Clock.systemUTC())) {
        while (reader.hasNext()) {
          ReadItem item = reader.next();
          if (!(item instanceof ReadItem.Record r)) {
            b.rejected++;
            continue;
          }
          for (Normalization n : normalizer.normalize(r.record())) {
            if (n instanceof Normalization.Normalized ok) {
              b.add(ok.event());
            } else {
              b.rejected++;
            }
          }
        }
      }
    }
    return b.finish();
  }

  /** Accumulates events into per-person {@link DailyFeatures}; also used by the evaluation. */
  public static final class Builder {
    private final AnomalyRules rules;
    private final IdentityDirectory directory = new IdentityDirectory();
    private final Map<String, Long> departedAt = new HashMap<>();
    private final Map<String, DailyFeatures> people = new HashMap<>();
    private final List<IdentityDirectory.Learned> learned = new ArrayList<>();
    long events;
    long unresolved;
    long rejected;

    public Builder(AnomalyRules rules, List<Departure> departures, List<IdentityLink> identities) {
      this.rules = rules;
      for (IdentityLink l : identities) {
        directory.declare(l.getPersonId(), l.getSystem(), l.getIdentity());
      }
      for (Departure d : departures) {
        if (d.getEmail() != null) {
          directory.declare(d.getPersonId(), "email", d.getEmail());
        }
        departedAt.put(d.getPersonId(), d.getDepartedAt().toEpochMilli());
      }
    }

    public void add(AuditEvent e) {
      events++;
      learned.clear();
      String person = e.getActor() == null ? null : directory.resolve(e.getActor(), learned);
      if (person == null) {
        unresolved++;
        return;
      }
      Long gone = departedAt.get(person);
      if (gone != null && e.getEventTime().toEpochMilli() >= gone) {
        return;
      }
      people.computeIfAbsent(person, p -> new DailyFeatures(rules, p)).add(e);
    }

    public Extraction finish() {
      Map<String, List<PersonDay>> days = new TreeMap<>();
      for (Map.Entry<String, DailyFeatures> e : people.entrySet()) {
        days.put(e.getKey(), e.getValue().closeAll());
      }
      return new Extraction(days, events, unresolved, rejected);
    }
  }

  private static boolean isNormalized(Path f) {
    try (BufferedReader r = reader(f)) {
      String line;
      while ((line = r.readLine()) != null) {
        line = line.trim();
        if (!line.isEmpty()) {
          return line.startsWith("{\"event_id\"") && line.contains("\"action_class\"");
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static void readNormalized(Path f, Builder b) {
    try (BufferedReader r = reader(f)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          b.add(AuditEventJson.read(line));
        } catch (IllegalArgumentException e) {
          b.rejected++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(f + ": " + e.getMessage(), e);
    }
  }

  private static BufferedReader reader(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    if (f.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }
}
