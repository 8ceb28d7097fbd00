package io.leaverwatch.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train -> model directory -> load gives the same detector. */
class ModelDirectoryTest {
  @TempDir Path dir;

  private final SyntheticOrg org = new SyntheticOrg(5, 40);

  private AnomalyModel trained() {
    return AnomalyDetection.train(
        org.rules,
        new PersonDays.Extraction(org.days, 0, 0, 0),
        List.of(SyntheticOrg.departure()),
        org.roles);
  }

  private Path rulesFile() {
    return Events.RULES.resolve(AnomalyRulesLoader.RELATIVE_PATH);
  }

  @Test
  void aSavedModelLoadsBackAndScoresTheSame() throws IOException {
    AnomalyModel model = trained();
    Path out = dir.resolve("model");

    String version =
        ModelDirectory.save(
            model, rulesFile(), new ModelDirectory.TrainingInput(3, 1000, 2, 1), out);
    ModelDirectory.Loaded loaded = ModelDirectory.load(out);

    assertThat(loaded.version()).isEqualTo(version).hasSize(16);
    assertThat(loaded.model().threshold()).isEqualTo(model.threshold());
    AnomalyScorer before = new AnomalyScorer(model);
    AnomalyScorer after = new AnomalyScorer(loaded.model());
    for (PersonDay d : org.days.get("p000")) {
      assertThat(after.score(d, "software-engineer").score())
          .isEqualTo(before.score(d, "software-engineer").score());
    }
    assertThat(out.resolve(ModelDirectory.FEATURES)).hasSameTextualContentAs(rulesFile());
    assertThat(out.resolve(ModelDirectory.THRESHOLDS)).isRegularFile();
  }

  @Test
  void theModelCardSaysPeriodPeoplePerRoleAndFeatureStatistics() throws IOException {
    Path out = dir.resolve("model");
    ModelDirectory.save(
        trained(), rulesFile(), new ModelDirectory.TrainingInput(3, 1000, 2, 1), out);

    JsonNode card = new ObjectMapper().readTree(out.resolve(ModelDirectory.CARD_JSON).toFile());

    assertThat(card.path("format_version").asInt()).isEqualTo(1);
    assertThat(card.path("period_from").asText()).isEqualTo("2026-10-05");
    assertThat(card.path("people_per_role").path("software-engineer").path("people").asInt())
        .isEqualTo(SyntheticOrg.PEOPLE);
    assertThat(card.path("people_per_role").path("software-engineer").path("model").asText())
        .isEqualTo("role");
    assertThat(card.path("features")).hasSize(org.rules.featureCount());
    assertThat(card.path("features").get(0).has("global_median")).isTrue();
    assertThat(Files.readString(out.resolve(ModelDirectory.CARD_MD)))
        .contains("## People per role")
        .contains("| software-engineer | 40 | own |")
        .contains("| git.clone | count |");
  }

  @Test
  void aTrainingIsReproducibleWithTheSameSeed() throws IOException {
    String a = ModelDirectory.save(trained(), null, null, dir.resolve("a"));
    String b = ModelDirectory.save(trained(), null, null, dir.resolve("b"));

    assertThat(b).isEqualTo(a);
  }

  @Test
  void aDamagedOrForeignModelDirectoryIsRefusedWithTheFileNamed() throws IOException {
    Path out = dir.resolve("model");
    ModelDirectory.save(trained(), rulesFile(), null, out);
    byte[] ser = Files.readAllBytes(out.resolve(ModelDirectory.MODEL));
    ser[ser.length / 2] ^= 0x5a;
    Files.write(out.resolve(ModelDirectory.MODEL), ser);

    assertThatThrownBy(() -> ModelDirectory.load(out))
        .isInstanceOf(ModelDirectoryException.class)
        .hasMessageContaining(out.resolve(ModelDirectory.MODEL).toString())
        .hasMessageContaining("does not match model_version");

    Files.writeString(out.resolve(ModelDirectory.CARD_JSON), "{\"format_version\": 99}");
    assertThatThrownBy(() -> ModelDirectory.load(out))
        .hasMessageContaining("format_version: 99 is not the supported 1");
    assertThatThrownBy(() -> ModelDirectory.load(dir.resolve("missing")))
        .hasMessageContaining("model directory not found");
  }
}
