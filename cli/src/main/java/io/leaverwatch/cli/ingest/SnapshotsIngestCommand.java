package io.leaverwatch.cli.ingest;

import io.leaverwatch.cli.UsageException;
import io.leaverwatch.ingest.snapshot.AccessSnapshot;
import io.leaverwatch.ingest.snapshot.GitHubAccessSnapshot;
import io.leaverwatch.ingest.snapshot.IamAccessSnapshot;
import io.leaverwatch.ingest.snapshot.OktaAccessSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description =
        "Active access right now, to iam.access-snapshots: Okta active users and app assignments,"
            + " GitHub org members and outside collaborators, IAM active access keys and console"
            + " passwords.")
final class SnapshotsIngestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin IngestOptions options;

  @Option(
      names = "--system",
      paramLabel = "okta|github|aws",
      split = ",",
      description = "which systems (default: every one configured)")
  List<String> systems;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description = "API root for a single --system okta or github")
  String baseUrl;

  @Option(names = "--org", paramLabel = "ORG", description = "GitHub organisation")
  String org;

  @Option(names = "--endpoint", paramLabel = "URL", description = "IAM endpoint override")
  String endpoint;

  @Override
  public Integer call() throws Exception {
    try (IngestRuntime rt = IngestCommand.runtime(options, spec)) {
      List<AccessSnapshot> snapshots = build(rt, systems, baseUrl, org, endpoint);
      return rt.runSnapshots(snapshots, interval(rt));
    }
  }

  static Duration interval(IngestRuntime rt) {
    Duration d =
        IngestConfig.duration(
            rt.options.pollInterval != null
                ? rt.options.pollInterval
                : rt.config.get("snapshots", "interval"),
            "snapshots interval");
    return d == null ? Duration.ofHours(1) : d;
  }

  static List<AccessSnapshot> build(
      IngestRuntime rt, List<String> systems, String baseUrl, String org, String endpoint) {
    List<String> wanted = systems;
    if (wanted == null || wanted.isEmpty()) {
      wanted = rt.config.list("snapshots", "systems");
    }
    if (wanted.isEmpty()) {
      wanted = new ArrayList<>();
      if (rt.config.get("okta", "base_url") != null) {
        wanted.add("okta");
      }
      if (org != null || rt.config.get("github", "org") != null) {
        wanted.add("github");
      }
      if (endpoint != null || rt.config.has("cloudtrail") || rt.config.has("snapshots")) {
        wanted.add("aws");
      }
    }
    if (wanted.isEmpty()) {
      throw new UsageException("nothing to snapshot: give --system okta|github|aws or a --config");
    }
    if (baseUrl != null && wanted.size() != 1) {
      throw new UsageException("--base-url needs exactly one --system (okta or github)");
    }
    List<AccessSnapshot> out = new ArrayList<>();
    for (String s : wanted) {
      switch (s) {
        case "okta" -> {
          String base =
              Sources.oktaBaseUrl(
                  baseUrl != null ? baseUrl : rt.config.get("okta", "base_url"),
                  rt.options.allowInsecure);
          var log = rt.log("snapshots-okta");
          out.add(new OktaAccessSnapshot(Sources.oktaHttp(rt.config, base, rt.clock, log), base));
        }
        case "github" -> {
          String o = rt.setting(org, "github", "org");
          if (o == null) {
            throw new UsageException("GitHub snapshot needs --org (or github.org in --config)");
          }
          String base = baseUrl != null ? baseUrl : rt.config.get("github", "base_url");
          base =
              base == null
                  ? "https://api.github.com"
                  : Sources.secureUrl(base, "--base-url", rt.options.allowInsecure);
          var log = rt.log("snapshots-github");
          out.add(new GitHubAccessSnapshot(Sources.gitHubHttp(rt.config, rt.clock, log), base, o));
        }
        case "aws" ->
            out.add(
                new IamAccessSnapshot(
                    Sources.iam(
                        endpoint != null ? endpoint : rt.config.get("snapshots", "iam_endpoint"),
                        rt.options.allowInsecure)));
        default -> throw new UsageException("--system " + s + ": expected okta, github or aws");
      }
    }
    return out;
  }
}
