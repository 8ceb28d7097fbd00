package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Source;

/** The offboarding system of each source, and the source that reports each system. */
public final class Systems {
  private Systems() {}

  public static String ofSource(String source) {
    switch (source) {
      case "OKTA":
        return "okta";
      case "GITHUB":
        return "github";
      case "CLOUDTRAIL":
      case "DYNAMODB":
        return "aws";
      default:
        return "unknown";
    }
  }

  public static Source sourceOf(String system) {
    switch (system) {
      case "okta":
        return Source.OKTA;
      case "github":
        return Source.GITHUB;
      case "aws":
        return Source.CLOUDTRAIL;
      default:
        return Source.UNKNOWN;
    }
  }
}
