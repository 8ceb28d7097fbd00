package io.leaverwatch.ingest.http;

import io.leaverwatch.ingest.SourceException;
import java.net.URI;
import java.util.Locale;

/**
 * The origin (scheme, host and port) a source was configured for. A credential goes only there: a
 * next link or a stored cursor that names another origin is refused rather than followed, since
 * following it would hand the token to whoever wrote that link.
 */
public final class Origins {
  private Origins() {}

  /** {@code scheme://host:port}, the port made explicit (80 for http, 443 for https). */
  public static String of(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port < 0) {
      port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    }
    return scheme + "://" + host + ":" + port;
  }

  public static boolean same(URI a, URI b) {
    return a.getHost() != null && of(a).equals(of(b));
  }

  /**
   * Throws a non-retryable {@link SourceException} naming the foreign host when {@code target} is
   * not on the origin of {@code configured}.
   */
  public static void require(String source, URI configured, URI target, String what)
      throws SourceException {
    if (!same(configured, target)) {
      throw new SourceException(
          source
              + ": "
              + what
              + " points at "
              + of(target)
              + ", not at the configured "
              + of(configured)
              + "; refusing to follow it (the credentials are sent to the configured host only)",
          false);
    }
  }
}
