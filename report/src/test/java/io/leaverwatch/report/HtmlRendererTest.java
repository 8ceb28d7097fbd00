package io.leaverwatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class HtmlRendererTest {
  private static final Pattern REMOTE = Pattern.compile("(?i)^\\s*(https?:)?//");
  private final String html = HtmlRenderer.render(SmallOrganisation.model());
  private final Document doc = Jsoup.parse(html);

  @Test
  void loadsNothingFromTheNetwork() {
    assertThat(doc.select("script")).isEmpty();
    assertThat(doc.select("link, img, iframe, object, embed, video, audio, source")).isEmpty();
    for (Element e : doc.getAllElements()) {
      for (Attribute a : e.attributes()) {
        String name = a.getKey().toLowerCase();
        if (name.equals("src")
            || name.endsWith("href")
            || name.equals("srcset")
            || name.equals("action")
            || name.equals("data")
            || name.equals("poster")) {
          assertThat(a.getValue()).as(e.tagName() + "@" + name).doesNotMatch(REMOTE);
        }
        assertThat(name).as("event handler on " + e.tagName()).doesNotStartWith("on");
      }
    }
    for (Element style : doc.select("style")) {
      assertThat(style.data()).doesNotContainIgnoringCase("@import").doesNotContain("url(");
    }
    for (Element e : doc.select("[style]")) {
      assertThat(e.attr("style")).doesNotContain("url(");
    }
  }

  @Test
  void attackerControlledTextStaysText() {
    assertThat(html).doesNotContain(SmallOrganisation.EVIL);
    assertThat(doc.select("script")).isEmpty();
    assertThat(doc.text()).contains(SmallOrganisation.EVIL);
  }

  @Test
  void isWellFormedXmlSoThePdfIsMadeFromTheSameBytes() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    org.w3c.dom.Document xml =
        f.newDocumentBuilder()
            .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    assertThat(xml.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength())
        .isEqualTo(2);
  }

  @Test
  void holdsEverySectionTheAuditorLooksFor() {
    assertThat(doc.select("section").eachAttr("id"))
        .containsExactly(
            "population", "headline", "charts", "departures", "exceptions", "controls", "sign-off");
    String text = doc.text();
    assertThat(text)
        .contains("SOC 2 CC6.2", "SOC 2 CC6.3", "A.5.18", "A.8.2")
        .contains("no activity after revocation")
        .contains("60.0 %")
        .contains("3 h 10 min") // github median, 190 min
        .contains("Kept for a legal hold, ticket SEC-12");
    assertThat(doc.select("#population td").text()).contains("carol@corp.example.com", "missing");
  }

  @Test
  void aStepAndItsEvidenceLineAreOneRowGroupSoAPageBreakCannotPartThem() {
    assertThat(doc.select("table.steps tr.evidence")).isNotEmpty();
    for (Element evidence : doc.select("table.steps tr.evidence")) {
      Element group = evidence.parent();
      assertThat(group.tagName()).isEqualTo("tbody");
      assertThat(group.hasClass("step")).isTrue();
      assertThat(group.select("tr")).hasSize(2);
      assertThat(evidence.previousElementSibling()).isNotNull();
    }
    assertThat(html).contains("tbody.step { page-break-inside: avoid; }");
  }

  @Test
  void aDepartureWithAStepNotRevokedDoesNotClaimEverythingWasRevoked() {
    ReportModel m = SmallOrganisation.model();
    ReportModel.DepartureBlock bob =
        m.departures().stream().filter(d -> d.personId().equals("p2")).findFirst().orElseThrow();
    assertThat(bob.findings()).isEmpty();
    StepRow s = bob.steps().get(0);
    StepRow missing =
        new StepRow(
            s.statusId(),
            s.personId(),
            s.email(),
            s.role(),
            s.system(),
            s.identity(),
            s.stepId(),
            "MISSING",
            s.departedAt(),
            s.deadline(),
            null,
            null,
            List.of(),
            s.ruleId(),
            "no revocation event seen",
            s.revision(),
            null,
            null,
            s.lastActivityAt(),
            s.lastActivityEventId());
    List<StepRow> steps = new ArrayList<>(bob.steps());
    steps.set(0, missing);
    ReportModel changed =
        new ReportModel(
            m.period(),
            m.generatedAt(),
            m.sources(),
            m.population(),
            m.headline(),
            m.systems(),
            m.trend(),
            List.of(
                new ReportModel.DepartureBlock(
                    bob.personId(), bob.email(), bob.role(), bob.departedAt(), steps, List.of())),
            m.accepted(),
            m.openExceptions(),
            m.unmatchedExceptions());
    String meta = Jsoup.parse(HtmlRenderer.render(changed)).selectFirst(".departure p.meta").text();
    assertThat(meta)
        .contains("no activity after revocation or departure (1 step not revoked)")
        .doesNotEndWith("no activity after revocation");
    assertThat(doc.select(".departure p.meta").eachText())
        .anyMatch(t -> t.endsWith("no activity after revocation"));
  }
}
