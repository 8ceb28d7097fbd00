package io.leaverwatch.embedded;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's own set of the streaming job's topics on an embedded broker, so that runs sharing one
 * broker (the integration tests, the fault drill) never read each other's records: each is named
 * {@code <run>.<key>} and created with the partitions and compaction the job expects (the HR and
 * identity topics compacted, as in production).
 */
public final class RunTopics {
  private RunTopics() {}

  /**
   * Creates the topics and returns their names by the job's topic key ({@code raw}, {@code events},
   * {@code dlq}, {@code departures}, {@code identities}, {@code access}, {@code findings}).
   */
  public static Map<String, String> create(EmbeddedKafka kafka, String run) {
    Map<String, String> topics = new TreeMap<>();
    create(kafka, topics, run, "raw", 2, false);
    create(kafka, topics, run, "events", 2, false);
    create(kafka, topics, run, "dlq", 1, false);
    create(kafka, topics, run, "departures", 1, true);
    create(kafka, topics, run, "identities", 1, true);
    create(kafka, topics, run, "access", 1, false);
    create(kafka, topics, run, "findings", 2, false);
    return Collections.unmodifiableMap(topics);
  }

  private static void create(
      EmbeddedKafka kafka,
      Map<String, String> topics,
      String run,
      String key,
      int partitions,
      boolean compacted) {
    String name = run + "." + key;
    kafka.createTopic(name, partitions, compacted);
    topics.put(key, name);
  }
}
