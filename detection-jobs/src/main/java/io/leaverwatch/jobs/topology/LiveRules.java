package io.leaverwatch.jobs.topology;

import io.leaverwatch.core.bundle.RulesBundle;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator builds from the rules (a detector), and the bundle it was built from. A new
 * bundle replaces it only when it parses: a bad one is refused with one error line naming the file,
 * line and field, and the rules in force stay in force, so a typo never stops or restarts the job.
 */
final class LiveRules<T> {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRules.class);

  /**
   * The operator's broadcast state of the bundle in force ({@link RulesBundle#toWire()}), so a
   * restored job resumes with the rules it last ran with, not those its job graph was built with.
   */
  static final MapStateDescriptor<String, Map<String, String>> STATE =
      new MapStateDescriptor<>("rules", Types.STRING, Types.MAP(Types.STRING, Types.STRING));

  private static final String IN_FORCE = "in-force";

  private final String operator;
  private final Function<Path, T> build;
  private RulesBundle bundle;
  private T current;
  private String lastRefusal;
  private boolean restoredChecked;

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

  /** What is in force, once after a (re)start taking the bundle kept in {@code state}. */
  T current(ReadOnlyBroadcastState<String, Map<String, String>> state) throws Exception {
    if (!restoredChecked) {
      restoredChecked = true;
      Map<String, String> kept = state.get(IN_FORCE);
      if (kept != null) {
        offer(RulesBundle.fromWire(kept));
      }
    }
    return current;
  }

  /** A bundle of the broadcast input: in force and kept in {@code state} when it parses. */
  void take(BroadcastState<String, Map<String, String>> state, Map<String, String> bundle)
      throws Exception {
    current(state);
    if (offer(RulesBundle.fromWire(bundle))) {
      state.put(IN_FORCE, bundle);
    }
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
