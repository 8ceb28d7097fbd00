package io.leaverwatch.anomaly;

import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code leaverwatch train} does, for callers that hold an organisation on disk (the demo and
 * {@code bench pipeline} train on the one they generated): read the events, leave the leavers'
 * scored windows out, train, write the model directory.
 */
public final class OrganisationTraining {
  /** The model written, and what it was trained on. */
  public record Trained(String version, long events, int personDays, double seconds) {}

  private OrganisationTraining() {}

  public static Trained train(
      Path rulesDir, List<Path> events, Path departures, Path identities, Path out)
      throws IOException {
    long start = System.nanoTime();
    AnomalyRules rules = AnomalyRulesLoader.loadFromRulesDir(rulesDir);
    List<Departure> deps = PeopleFiles.readDepartures(departures);
    List<IdentityLink> ids =
        identities != null && Files.exists(identities)
            ? PeopleFiles.readIdentities(identities)
            : List.of();
    List<Path> files = RecordReader.expand(events);
    PersonDays.Extraction x =
        PersonDays.read(rules, ActionClassifier.load(rulesDir), files, deps, ids);
    AnomalyModel model = AnomalyDetection.train(rules, x, deps, Map.of());
    String version =
        ModelDirectory.save(
            model,
            rulesDir.resolve(AnomalyRulesLoader.RELATIVE_PATH),
            new ModelDirectory.TrainingInput(files.size(), x.events(), x.unresolved(), deps.size()),
            out);
    return new Trained(version, x.events(), x.personDays(), (System.nanoTime() - start) / 1e9);
  }
}
