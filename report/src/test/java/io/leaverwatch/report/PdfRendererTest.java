package io.leaverwatch.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.report.ReportModel.PopulationEntry;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class PdfRendererTest {
  @Test
  void thePdfNamesEveryDepartureOfThePeriod() throws Exception {
    ReportModel m = SmallOrganisation.model();
    byte[] pdf = PdfRenderer.render(HtmlRenderer.render(m));
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertThat(doc.getNumberOfPages()).isGreaterThanOrEqualTo(2);
      // a long value may wrap inside its cell: compare without the layout's whitespace
      String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
      for (PopulationEntry p : m.population()) {
        assertThat(text).contains(p.personId(), p.email());
      }
      assertThat(text).contains("Sign-off", "CC6.2", SmallOrganisation.EVIL.replace(" ", ""));
    }
  }
}
