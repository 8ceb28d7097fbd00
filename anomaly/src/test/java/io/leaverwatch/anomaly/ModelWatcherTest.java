package io.leaverwatch.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a running job's model does when the files under {@code anomaly.model_dir} change. */
class ModelWatcherTest {
  @TempDir Path dir;

  private String save(Path out) throws IOException {
    return save(out, 5);
  }

  /** A model of an organisation of {@code seed}: another seed, another model version. */
  private static String save(Path out, long seed) throws IOException {
    SyntheticOrg org = new SyntheticOrg(seed, 40);
    AnomalyModel m =
        AnomalyDetection.train(
            org.rules,
            new PersonDays.Extraction(org.days, 0, 0, 0),
            List.of(SyntheticOrg.departure()),
            org.roles);
    return ModelDirectory.save(
        m, Events.RULES.resolve(AnomalyRulesLoader.RELATIVE_PATH), null, out);
  }

  @Test
  void aFolderOfVersionsServesTheNewestAndANewVersionIsPickedUp() throws IOException {
    String v1 = save(dir.resolve("v1"));
    ModelWatcher w = new ModelWatcher(dir);

    Optional<ModelWatcher.Change> first = w.poll();
    assertThat(first).hasValueSatisfying(c -> assertThat(c.refused()).isFalse());
    assertThat(w.current().version()).isEqualTo(v1);
    assertThat(w.poll()).isEmpty();

    String v2 = save(dir.resolve("v2"), 6);
    Files.setLastModifiedTime(
        dir.resolve("v2").resolve(ModelDirectory.CARD_JSON),
        FileTime.from(Instant.now().plusSeconds(5)));
    Optional<ModelWatcher.Change> next = w.poll();

    assertThat(w.current().version()).isEqualTo(v2).isNotEqualTo(v1);
    assertThat(next.orElseThrow().message()).contains(v2).contains("was " + v1);
  }

  @Test
  void aBrokenModelIsRefusedWithItsReasonAndTheOldOneStays() throws IOException {
    Path model = dir.resolve("model");
    String v1 = save(model);
    ModelWatcher w = new ModelWatcher(model);
    w.poll();

    Files.writeString(model.resolve(ModelDirectory.MODEL), "truncated");
    ModelWatcher.Change c = w.poll().orElseThrow();

    assertThat(c.refused()).isTrue();
    assertThat(c.message())
        .contains("anomaly.model_dir")
        .contains(ModelDirectory.MODEL)
        .contains("still scoring with model " + v1);
    assertThat(w.current().version()).isEqualTo(v1);
    // refused once, not at every look
    assertThat(w.poll()).isEmpty();
  }

  @Test
  void aMissingDirectoryHasNoModelAndSaysWhy() {
    ModelWatcher w = new ModelWatcher(dir.resolve("nowhere"));

    ModelWatcher.Change c = w.poll().orElseThrow();

    assertThat(c.refused()).isTrue();
    assertThat(c.message()).contains("nowhere").contains("no model is loaded");
    assertThat(w.current()).isNull();
  }
}
