package io.leaverwatch.cli;

import io.leaverwatch.anomaly.AnomalyDetection;
import io.leaverwatch.anomaly.AnomalyModel;
import io.leaverwatch.anomaly.AnomalyRules;
import io.leaverwatch.anomaly.AnomalyRulesLoader;
import io.leaverwatch.anomaly.ModelDirectory;
import io.leaverwatch.anomaly.PeerModel;
import io.leaverwatch.anomaly.PersonDays;
import io.leaverwatch.anomaly.RolesFile;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.core.people.InputFileException;
import io.leaverwatch.core.people.PeopleFiles;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.core.read.UnreadableInputException;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.IdentityLink;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch train}: the ANOMALOUS_ACTIVITY detector trained on history. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the ANOMALOUS_ACTIVITY detector on audit history (the scored windows of people who"
          + " have left or are leaving are left out) and writes a versioned model directory: the"
          + " models, the feature definitions, thresholds and a model card.",
      "Exit 0 when it trained, 2 for bad arguments or unreadable inputs."
    })
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "Audit log files or folders (anything `normalize` takes or writes).")
  List<Path> events;

  @Option(
      names = "--departures",
      required = true,
      paramLabel = "FILE",
      description = "Departures, CSV or NDJSON: person_id,email,role,notice_at,departed_at,status.")
  Path departures;

  @Option(
      names = "--identities",
      paramLabel = "FILE",
      description = "Identities, CSV or NDJSON: person_id,system,identity.")
  Path identities;

  @Option(
      names = "--roles",
      paramLabel = "FILE",
      description =
          "Roles of everyone, CSV person_id,role (peers are grouped by role; without it only"
              + " leavers have one and the rest share the global model).")
  Path roles;

  @Option(
      names = "--rules",
      paramLabel = "DIR",
      description = "Rules directory (default: $LEAVERWATCH_HOME/rules or ./rules).")
  Path rules;

  @Option(names = "--out", required = true, paramLabel = "MODEL_DIR", description = "Model dir.")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Path rulesDir = rules != null ? rules : RulesDirectory.resolve();
    AnomalyRules anomalyRules;
    ActionClassifier classifier;
    List<Departure> deps;
    List<IdentityLink> ids = List.of();
    Map<String, String> declaredRoles = Map.of();
    List<Path> files;
    try {
      files = RecordReader.expand(events);
      anomalyRules = AnomalyRulesLoader.loadFromRulesDir(rulesDir);
      classifier = ActionClassifier.load(rulesDir);
      deps = PeopleFiles.readDepartures(departures);
      if (identities != null) {
        ids = PeopleFiles.readIdentities(identities);
      }
      if (roles != null) {
        declaredRoles = RolesFile.read(roles);
      }
    } catch (UnreadableInputException | InputFileException | RuleFileException e) {
      throw new UsageException(e.getMessage(), e);
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out: " + out + " is a file, not a folder");
    }
    long start = System.nanoTime();
    PersonDays.Extraction x = PersonDays.read(anomalyRules, classifier, files, deps, ids);
    double readSecs = (System.nanoTime() - start) / 1e9;
    AnomalyModel model;
    try {
      model = AnomalyDetection.train(anomalyRules, x, deps, declaredRoles);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--events: " + e.getMessage(), e);
    }
    String version =
        ModelDirectory.save(
            model,
            rulesDir.resolve(AnomalyRulesLoader.RELATIVE_PATH),
            new ModelDirectory.TrainingInput(files.size(), x.events(), x.unresolved(), deps.size()),
            out);
    double secs = (System.nanoTime() - start) / 1e9;
    err.printf(
        "train: %d event(s) (%d not resolved to a person, %d rejected) -> %d person-day(s) of %d"
            + " people; read %.1f s, trained %.1f s%n",
        x.events(),
        x.unresolved(),
        x.rejected(),
        x.personDays(),
        x.days().size(),
        readSecs,
        secs - readSecs);
    err.printf(
        "train: %d training person-day(s), threshold %.4f, models: global%s%n",
        model.trainingDays(),
        model.threshold(),
        model.roleModels().isEmpty()
            ? ""
            : " + "
                + String.join(
                    ", ",
                    model.roleModels().values().stream().map(PeerModel::role).sorted().toList()));
    err.printf("train: model %s -> %s%n", version, out);
    err.flush();
    return 0;
  }
}
