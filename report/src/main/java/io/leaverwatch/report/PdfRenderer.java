package io.leaverwatch.report;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import com.openhtmltopdf.util.XRLog;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;

/**
 * The PDF from the very same XHTML as report.html, laid out by openhtmltopdf on PDFBox (inline SVG
 * through Batik). Nothing is fetched: the document references no resource, and any URI it named
 * would be refused by the resolver below.
 *
 * <p>DejaVu Sans (Debian's fonts-dejavu-core) is embedded when the machine has it, so names in any
 * script print; without it the PDF falls back to the standard Helvetica, which only covers Latin-1.
 */
public final class PdfRenderer {
  static final String FONT_DIR = "/usr/share/fonts/truetype/dejavu/";

  private PdfRenderer() {}

  private static void useFont(
      PdfRendererBuilder b, String file, String family, int weight, FontStyle style) {
    File f = new File(FONT_DIR + file);
    if (f.isFile()) {
      b.useFont(f, family, weight, style, true);
    }
  }

  public static byte[] render(String xhtml) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    try {
      // its CSS warnings name properties it does not know (overflow-wrap), not problems of the
      // report
      XRLog.setLoggingEnabled(false);
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      useFont(builder, "DejaVuSans.ttf", "DejaVu Sans", 400, FontStyle.NORMAL);
      useFont(builder, "DejaVuSans-Bold.ttf", "DejaVu Sans", 700, FontStyle.NORMAL);
      useFont(builder, "DejaVuSansMono.ttf", "DejaVu Sans Mono", 400, FontStyle.NORMAL);
      builder.useSVGDrawer(new BatikSVGDrawer());
      builder.useUriResolver((base, uri) -> null);
      builder.withHtmlContent(xhtml, null);
      builder.toStream(out);
      builder.run();
    } catch (IOException e) {
      throw new IllegalStateException("could not lay out the PDF: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
