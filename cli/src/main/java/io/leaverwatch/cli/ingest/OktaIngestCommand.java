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
    name = "okta",
    mixinStandardHelpOptions = true,
    description =
        "Okta System Log (OKTA_API_TOKEN, or OAuth client credentials with a private-key JWT"
            + " configured under okta.oauth).")
final class OktaIngestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin IngestOptions options;

  @Option(names = "--base-url", paramLabel = "URL", description = "https://YOUR-ORG.okta.com")
  String baseUrl;

  @Override
  public Integer call() throws Exception {
    try (IngestRuntime rt = IngestCommand.runtime(options, spec)) {
      String base =
          Sources.oktaBaseUrl(rt.setting(baseUrl, "okta", "base_url"), options.allowInsecure);
      IngestLog log = rt.log("okta");
      var source =
          Sources.okta(Sources.oktaHttp(rt.config, base, rt.clock, log), base, rt.since("okta"));
      return rt.runLoops(List.of(Map.entry(rt.loop(source, log), rt.pollInterval("okta"))));
    }
  }
}
