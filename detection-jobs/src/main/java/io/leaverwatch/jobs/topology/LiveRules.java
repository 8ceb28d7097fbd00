package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator builds from the rules (a detector), and the bundle it was built from. A new
 * bundle replaces it only when it parses: a bad one is refused with one error line naming the file,
 * line and field, and the rules in force stay in force, so a typo never stops or restarts the job.
 */
final class LiveRules<T> {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRules.class);

  private final String operator;
  private final Function<Path, T> build;
  private RulesBundle bundle;
  private T current;
  private String lastRefusal;

  /** Builds from {@code initial}; an invalid initial bundle fails, as the folder did before. */
  LiveRules(String operator, RulesBundle initial, Function<Path, T> build) {
    this.operator = operator;
    this.build = build;
    this.current = initial.load(build);
    this.bundle = initial;
  }

  T current() {
    return current;
  }

  RulesBundle bundle() {
    return bundle;
  }

  /** The error line of the last bundle refused, if any. */
  String lastRefusal() {
    return lastRefusal;
  }

  /** True when {@code next} differs from the bundle in force, parses, and now is in force. */
  boolean offer(RulesBundle next) {
    if (next.hash().equals(bundle.hash())) {
      return false;
    }
    T built;
    try {
      built = next.load(build);
    } catch (RuntimeException e) {
      lastRefusal =
          operator
              + ": new rules "
              + next.shortHash()
              + " refused, rules "
              + bundle.shortHash()
              + " stay in force: "
              + e.getMessage();
      LOG.error(lastRefusal);
      return false;
    }
    LOG.info(
        "{}: rules {} from {} in force (were {})",
        operator,
        next.shortHash(),
        next.origin(),
        bundle.shortHash());
    current = built;
    bundle = next;
    return true;
  }
}
