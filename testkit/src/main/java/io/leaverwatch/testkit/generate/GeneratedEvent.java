package io.leaverwatch.testkit.generate;

/** One rendered native event, ordered by time and then by creation order. */
record GeneratedEvent(long epochMs, long seq, Source source, String region, String json) {

  /** Where the event is written; DYNAMODB events go into CloudTrail files too. */
  enum Source {
    OKTA,
    GITHUB,
    CLOUDTRAIL,
    DYNAMODB;

    boolean inCloudTrailFiles() {
      return this == CLOUDTRAIL || this == DYNAMODB;
    }
  }
}
