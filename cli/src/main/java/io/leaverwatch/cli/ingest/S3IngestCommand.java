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
    name = "s3",
    mixinStandardHelpOptions = true,
    description =
        "Log files delivered to S3: CloudTrail AWSLogs/... .json.gz (also organisation trails) or"
            + " GitHub's streamed audit log (gzipped NDJSON).")
final class S3IngestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin IngestOptions options;

  @Option(names = "--bucket", paramLabel = "B", description = "bucket name")
  String bucket;

  @Option(names = "--prefix", paramLabel = "P", description = "key prefix (e.g. AWSLogs/)")
  String prefix;

  @Option(names = "--endpoint", paramLabel = "URL", description = "endpoint override (path-style)")
  String endpoint;

  @Option(names = "--region", paramLabel = "R", description = "bucket region (default us-east-1)")
  String region;

  @Option(
      names = "--source",
      paramLabel = "cloudtrail|github",
      description = "what the files hold (default cloudtrail)")
  String source;

  @Option(
      names = "--lookback",
      paramLabel = "DURATION",
      description =
          "how long after its LastModified a key read is listed again, so a file delivered late"
              + " under an earlier key is still read (default 1h)")
  String lookback;

  @Option(
      names = "--max-object-bytes",
      paramLabel = "N",
      description =
          "largest object read, after decompression (default 256MiB); a larger one is sent as a"
              + " rejected record and dead-lettered with its reason")
  String maxObjectBytes;

  @Override
  public Integer call() throws Exception {
    try (IngestRuntime rt = IngestCommand.runtime(options, spec)) {
      IngestLog log = rt.log("s3");
      var s3 =
          Sources.s3(
              rt.setting(region, "s3", "region"),
              rt.setting(endpoint, "s3", "endpoint"),
              options.allowInsecure);
      var src =
          Sources.s3Source(
              s3,
              rt.setting(bucket, "s3", "bucket"),
              rt.setting(prefix, "s3", "prefix"),
              rt.setting(source, "s3", "source"),
              new Sources.S3Limits(
                  rt.setting(lookback, "s3", "lookback"),
                  rt.config.get("s3", "lookback_keys"),
                  rt.setting(maxObjectBytes, "s3", "max_object_bytes")),
              rt.clock,
              log);
      return rt.runLoops(List.of(Map.entry(rt.loop(src, log), rt.pollInterval("s3"))));
    }
  }
}
