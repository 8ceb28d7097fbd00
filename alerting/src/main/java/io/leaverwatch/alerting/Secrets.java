package io.leaverwatch.alerting;

import io.leaverwatch.alerting.routes.AlertRoutes;
import io.leaverwatch.alerting.send.AlertSender;
import io.leaverwatch.alerting.send.PagerDutySender;
import io.leaverwatch.alerting.send.SlackSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routing keys and tokens, read only from what the routes file names: the environment variable
 * {@code X} (or a file named by {@code X_FILE}), or the file of {@code *_file}. Errors name the
 * variable or file, never a value.
 */
public final class Secrets {
  private Secrets() {}

  public static String resolve(
      AlertRoutes routes, AlertRoutes.Receiver r, Map<String, String> env) {
    String where = routes.file() + ":" + r.line() + ": receiver " + r.name() + ": ";
    if (r.secretEnv() != null) {
      String v = env.get(r.secretEnv());
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
      String file = env.get(r.secretEnv() + "_FILE");
      if (file != null && !file.isBlank()) {
        return readFile(Path.of(file), where + "$" + r.secretEnv() + "_FILE");
      }
      throw new IllegalArgumentException(
          where + "$" + r.secretEnv() + " is not set (nor $" + r.secretEnv() + "_FILE)");
    }
    Path p = Path.of(r.secretFile());
    if (!p.isAbsolute() && routes.file() != null && routes.file().getParent() != null) {
      p = routes.file().getParent().resolve(p);
    }
    return readFile(p, where + r.secretFile());
  }

  private static String readFile(Path p, String where) {
    try {
      String v = Files.readString(p).trim();
      if (v.isEmpty()) {
        throw new IllegalArgumentException(where + ": the file is empty");
      }
      return v;
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": cannot read " + p);
    }
  }

  /** One sender per receiver, against the given base URLs. */
  public static Map<String, AlertSender> senders(
      AlertRoutes routes, Map<String, String> env, String pagerDutyUrl, String slackUrl) {
    Map<String, AlertSender> out = new LinkedHashMap<>();
    for (AlertRoutes.Receiver r : routes.receivers().values()) {
      String secret = resolve(routes, r, env);
      out.put(
          r.name(),
          r.kind() == AlertRoutes.Kind.PAGERDUTY
              ? new PagerDutySender(pagerDutyUrl, secret)
              : new SlackSender(slackUrl, secret));
    }
    return out;
  }
}
