package io.leaverwatch.cli.ingest;

import io.leaverwatch.cli.UsageException;
import io.leaverwatch.ingest.IngestLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "cloudtrail",
    mixinStandardHelpOptions = true,
    description = "CloudTrail LookupEvents per region (AWS SDK default credential chain).")
final class CloudTrailIngestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin IngestOptions options;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description = "endpoint override (a local server)")
  String endpoint;

  @Option(
      names = "--region",
      paramLabel = "R",
      split = ",",
      arity = "1..*",
      description = "one or more regions (default us-east-1)")
  List<String> regions;

  @Option(
      names = "--settle",
      paramLabel = "DURATION",
      description = "how far behind now a window closes (default 5m: CloudTrail search delay)")
  String settle;

  @Option(
      names = "--overlap",
      paramLabel = "DURATION",
      description =
          "how much of the previous window each window reads again, so events CloudTrail makes"
              + " searchable late (up to ~15 min) are not lost; repeats are dropped by event id"
              + " (default 15m)")
  String overlap;

  @Override
  public Integer call() throws Exception {
    try (IngestRuntime rt = IngestCommand.runtime(options, spec)) {
      List<String> rs = regions != null ? regions : rt.config.list("cloudtrail", "regions");
      if (rs.isEmpty()) {
        rs = List.of("us-east-1");
      }
      String ep = rt.setting(endpoint, "cloudtrail", "endpoint");
      Duration settleFor =
          IngestConfig.duration(rt.setting(settle, "cloudtrail", "settle"), "--settle");
      if (settleFor == null) {
        settleFor = Duration.ofMinutes(5);
      }
      if (settleFor.isNegative()) {
        throw new UsageException("--settle must not be negative");
      }
      List<Map.Entry<IngestLoop, Duration>> loops = new ArrayList<>();
      for (String r : rs) {
        var client = Sources.cloudTrail(r, ep, options.allowInsecure);
        var source =
            Sources.cloudTrailSource(
                client,
                r,
                ep,
                rt.since("cloudtrail"),
                settleFor,
                IngestConfig.duration(
                    rt.setting(overlap, "cloudtrail", "overlap"), "--overlap (cloudtrail.overlap)"),
                rt.clock);
        loops.add(Map.entry(rt.loop(source, rt.log("cloudtrail")), rt.pollInterval("cloudtrail")));
      }
      return rt.runLoops(loops);
    }
  }
}
