package io.leaverwatch.cli;

import io.leaverwatch.core.normalize.RulesDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch dashboards}: the Kibana saved objects of {@code dashboards/kibana/}. */
@Command(
    name = "dashboards",
    mixinStandardHelpOptions = true,
    description = "Kibana dashboards of Leaverwatch.",
    subcommands = {DashboardsCommand.Install.class})
public final class DashboardsCommand implements Runnable {
  static final String ENV_API_KEY = "LEAVERWATCH_KIBANA_API_KEY";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      description = {
        "Imports the saved objects of dashboards/kibana/*.ndjson (data views, Lens"
            + " visualizations, dashboards) through Kibana's saved objects import API, overwriting"
            + " earlier versions. API key from "
            + ENV_API_KEY
            + ".",
        "Exit 0 when every object was imported, 1 when Kibana refused some (each named), 2 for"
            + " bad arguments, an unreachable Kibana or a refused key."
      })
  static final class Install implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--kibana",
        required = true,
        paramLabel = "URL",
        description = "Kibana's base URL, e.g. http://localhost:5601")
    String kibana;

    @Option(names = "--space", paramLabel = "S", description = "Kibana space (default: default).")
    String space;

    @Option(
        names = "--objects",
        paramLabel = "DIR",
        description =
            "Folder of saved-object NDJSON files (default: $LEAVERWATCH_HOME/dashboards/kibana).")
    Path objects;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      URI uri;
      try {
        uri = new URI(kibana);
      } catch (URISyntaxException e) {
        throw new UsageException("--kibana '" + kibana + "' is not a URL");
      }
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new UsageException(
            "--kibana '" + kibana + "' is not an http(s) URL, e.g. http://localhost:5601");
      }
      Path dir = objects != null ? objects : defaultDir();
      List<Path> files;
      if (!Files.isDirectory(dir)) {
        throw new UsageException(dir + ": no such folder of saved objects");
      }
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.toString().endsWith(".ndjson")).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new UsageException(dir + ": no .ndjson file of saved objects");
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (Path f : files) {
        byte[] bytes = Files.readAllBytes(f);
        all.writeBytes(bytes);
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
          all.write('\n');
        }
      }
      KibanaImport.Result r =
          KibanaImport.run(uri, space, System.getenv(ENV_API_KEY), all.toByteArray());
      err.printf(
          "dashboards: %d object(s) imported into %s%s%n",
          r.successCount(), kibana, space == null ? "" : " (space " + space + ")");
      r.errors().forEach(e -> err.println("  refused: " + e));
      err.flush();
      return r.success() && r.errors().isEmpty() ? 0 : 1;
    }

    private static Path defaultDir() {
      String home = System.getenv(RulesDirectory.HOME_ENV);
      Path base = home == null || home.isBlank() ? Path.of(".") : Path.of(home);
      return base.resolve("dashboards").resolve("kibana");
    }
  }
}
