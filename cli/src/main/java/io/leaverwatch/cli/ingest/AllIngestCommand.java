package io.leaverwatch.cli.ingest;

import io.leaverwatch.cli.UsageException;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.IngestLoop;
import io.leaverwatch.ingest.snapshot.AccessSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description = "Every source configured in --config (github, okta, cloudtrail, s3, snapshots).")
final class AllIngestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin IngestOptions options;

  @Override
  public Integer call() throws Exception {
    if (options.config == null) {
      throw new UsageException("ingest all needs --config FILE");
    }
    try (IngestRuntime rt = IngestCommand.runtime(options, spec)) {
      IngestConfig c = rt.config;
      List<Map.Entry<IngestLoop, Duration>> loops = new ArrayList<>();
      if (c.has("github")) {
        IngestLog log = rt.log("github");
        String scope = Sources.gitHubScope(c.get("github", "org"), c.get("github", "enterprise"));
        var src =
            Sources.gitHub(
                Sources.gitHubHttp(c, rt.clock, log),
                c.get("github", "base_url"),
                scope,
                rt.since("github"),
                options.allowInsecure);
        loops.add(Map.entry(rt.loop(src, log), rt.pollInterval("github")));
      }
      if (c.has("okta")) {
        IngestLog log = rt.log("okta");
        String base = Sources.oktaBaseUrl(c.get("okta", "base_url"), options.allowInsecure);
        var src = Sources.okta(Sources.oktaHttp(c, base, rt.clock, log), base, rt.since("okta"));
        loops.add(Map.entry(rt.loop(src, log), rt.pollInterval("okta")));
      }
      if (c.has("cloudtrail")) {
        List<String> regions = c.list("cloudtrail", "regions");
        Duration settle = IngestConfig.duration(c.get("cloudtrail", "settle"), "cloudtrail.settle");
        for (String r : regions.isEmpty() ? List.of("us-east-1") : regions) {
          String ep = c.get("cloudtrail", "endpoint");
          var src =
              Sources.cloudTrailSource(
                  Sources.cloudTrail(r, ep, options.allowInsecure),
                  r,
                  ep,
                  rt.since("cloudtrail"),
                  settle == null ? Duration.ofMinutes(5) : settle,
                  IngestConfig.duration(c.get("cloudtrail", "overlap"), "cloudtrail.overlap"),
                  rt.clock);
          loops.add(Map.entry(rt.loop(src, rt.log("cloudtrail")), rt.pollInterval("cloudtrail")));
        }
      }
      if (c.has("s3")) {
        IngestLog log = rt.log("s3");
        var src =
            Sources.s3Source(
                Sources.s3(c.get("s3", "region"), c.get("s3", "endpoint"), options.allowInsecure),
                c.get("s3", "bucket"),
                c.get("s3", "prefix"),
                c.get("s3", "source"),
                Sources.S3Limits.from(c),
                rt.clock,
                log);
        loops.add(Map.entry(rt.loop(src, log), rt.pollInterval("s3")));
      }
      List<AccessSnapshot> snapshots =
          c.has("snapshots") ? SnapshotsIngestCommand.build(rt, null, null, null, null) : List.of();
      if (loops.isEmpty() && snapshots.isEmpty()) {
        throw new UsageException(
            "config "
                + c.origin()
                + " configures no source (github, okta, cloudtrail, s3, snapshots)");
      }
      if (options.once) {
        if (!loops.isEmpty()) {
          rt.runLoops(loops);
        }
        if (!snapshots.isEmpty()) {
          rt.runSnapshots(snapshots, Duration.ZERO);
        }
        return 0;
      }
      CompletableFuture<Integer> snap =
          snapshots.isEmpty()
              ? CompletableFuture.completedFuture(0)
              : CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return rt.runSnapshots(snapshots, SnapshotsIngestCommand.interval(rt));
                    } catch (Exception e) {
                      throw new java.util.concurrent.CompletionException(e);
                    }
                  });
      if (!loops.isEmpty()) {
        rt.runLoops(loops);
      }
      return snap.get();
    }
  }
}
