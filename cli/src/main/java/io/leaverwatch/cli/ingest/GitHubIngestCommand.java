package io.leaverwatch.cli.ingest;

import io.leaverwatch.ingest.IngestLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "github",
    mixinStandardHelpOptions = true,
    description = "GitHub organisation or enterprise audit log (token from GITHUB_TOKEN).")
final class GitHubIngestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin IngestOptions options;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "API root (default https://api.github.com)")
  String baseUrl;

  @Option(names = "--org", paramLabel = "ORG", description = "organisation audit log")
  String org;

  @Option(names = "--enterprise", paramLabel = "E", description = "enterprise audit log")
  String enterprise;

  @Override
  public Integer call() throws Exception {
    try (IngestRuntime rt = IngestCommand.runtime(options, spec)) {
      String scope =
          Sources.gitHubScope(
              rt.setting(org, "github", "org"), rt.setting(enterprise, "github", "enterprise"));
      IngestLog log = rt.log("github");
      var source =
          Sources.gitHub(
              Sources.gitHubHttp(rt.config, rt.clock, log),
              rt.setting(baseUrl, "github", "base_url"),
              scope,
              rt.since("github"),
              options.allowInsecure);
      return rt.runLoops(List.of(Map.entry(rt.loop(source, log), rt.pollInterval("github"))));
    }
  }
}
