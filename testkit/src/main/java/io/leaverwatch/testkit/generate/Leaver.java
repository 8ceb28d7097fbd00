package io.leaverwatch.testkit.generate;

/**
 * A departure and the incident injected into it (null: a clean offboarding).
 *
 * @param variant which occurrence of the incident this is (0, 1, ...), to vary its evidence
 * @param run the offboarding automation's run number, used in its role session name
 */
record Leaver(
    Person person,
    Long noticeAt,
    long departedAt,
    boolean rescinded,
    Incident incident,
    int variant,
    int run) {

  Leaver withIncident(Incident incident, int occurrence) {
    return new Leaver(
        person,
        noticeAt,
        departedAt,
        incident.offboarding().rescinded(),
        incident,
        occurrence,
        run);
  }
}
