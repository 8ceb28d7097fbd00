package io.leaverwatch.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.alerting.ledger.Ledger;
import io.leaverwatch.alerting.ledger.LedgerEntry;
import io.leaverwatch.alerting.render.DigestItem;
import io.leaverwatch.alerting.render.FindingLinks;
import io.leaverwatch.alerting.render.PagerDutyPayloads;
import io.leaverwatch.alerting.render.SlackMessages;
import io.leaverwatch.alerting.routes.AlertRoutes;
import io.leaverwatch.alerting.routes.AlertRoutes.Kind;
import io.leaverwatch.alerting.routes.RouteMatcher;
import io.leaverwatch.alerting.send.AlertSender;
import io.leaverwatch.alerting.send.Outcome;
import io.leaverwatch.alerting.send.SlackSender;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.schema.Finding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers findings to their receivers, one lane per receiver. A lane sends one request at a time
 * in order; a 429 or a failure holds only that lane (no other request to that receiver before the
 * wait is over) while the other lanes go on. Single-threaded: {@link #drain} does the sending and
 * waits through the injected {@link Sleeper}, so tests run on a fake clock.
 *
 * <p>Per delivery: plan from the ledger, render, write the intent to the ledger (write-ahead,
 * durable before the request), send, write the delivery to the ledger, then tell the caller (which
 * commits the Kafka offset). A restart that finds an intent without its delivery does not know
 * whether the request arrived. For Slack it asks: every finding message carries {@code metadata}
 * ({@code event_type} {@value SlackSender#EVENT_TYPE}, {@code event_payload} finding_id, receiver,
 * revision), and {@code conversations.history} since the intent finds it; its {@code ts} is adopted
 * and the message updated if the finding moved on, so a channel never gets a second message. For
 * PagerDuty (the Events API has no read side) the intended event is sent again, at most once per
 * kill: same dedup_key, event_action and severity, which PagerDuty folds into the alert it has.
 *
 * <p>A digest goes the same way as a unit: before its request every member's entry gets the
 * digest's intent (a digest id derived from the receiver, the window and the members at their
 * revisions, and the window's start); its Slack message carries {@code event_type} {@value
 * SlackSender#DIGEST_EVENT_TYPE} with that id; a restart gathers the members under their digest id,
 * looks the message up and adopts it (the members become DIGESTED) or sends that digest once, with
 * the same window (and so the same PagerDuty dedup_key).
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** How far before an intent the Slack lookup reads: the server's clock may be behind ours. */
  static final Duration LOOKBACK_MARGIN = Duration.ofMinutes(5);

  /** How the dispatcher waits, retries and gives up. */
  public record Settings(
      Duration slackMinInterval,
      Duration pagerDutyMinInterval,
      Duration backoffBase,
      Duration backoffCap,
      int maxAttempts) {
    /** Streaming: never give up (alerts stay in the lane and the offset does not move). */
    public static Settings streaming() {
      return new Settings(
          Duration.ofMillis(1100),
          Duration.ZERO,
          Duration.ofSeconds(1),
          Duration.ofMinutes(5),
          Integer.MAX_VALUE);
    }

    /** A bounded run: after this many attempts an alert goes to the DLQ so the run ends. */
    public static Settings once() {
      return new Settings(
          Duration.ofMillis(1100), Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(1), 8);
    }

    public Settings withoutPacing() {
      return new Settings(Duration.ZERO, Duration.ZERO, backoffBase, backoffCap, maxAttempts);
    }
  }

  private final RouteMatcher matcher;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final Ledger ledger;
  private final DeadLetters dlq;
  private final FindingLinks links;
  private final Clock clock;
  private final Sleeper sleeper;
  private final DeliveryHooks hooks;
  private final Settings settings;
  private final AlertStats stats;
  private final PayloadFiles payloads;
  private final Duration window;
  private final int maxPerWindow;
  private int nextLane;
  private DeliveryRecords records = DeliveryRecords.NONE;

  public Dispatcher(
      AlertRoutes routes,
      Map<String, AlertSender> senders,
      Ledger ledger,
      DeadLetters dlq,
      FindingLinks links,
      Clock clock,
      Sleeper sleeper,
      DeliveryHooks hooks,
      Settings settings,
      AlertStats stats,
      PayloadFiles payloads) {
    this.matcher = new RouteMatcher(routes);
    this.ledger = ledger;
    this.dlq = dlq;
    this.links = links;
    this.clock = clock;
    this.sleeper = sleeper;
    this.hooks = hooks;
    this.settings = settings;
    this.stats = stats;
    this.payloads = payloads;
    this.window = routes.digest().window();
    this.maxPerWindow = routes.digest().maxPerReceiver();
    for (AlertRoutes.Receiver r : routes.receivers().values()) {
      AlertSender s = senders.get(r.name());
      if (s == null) {
        throw new IllegalArgumentException("no sender for receiver " + r.name());
      }
      lanes.put(r.name(), new Lane(r, s));
    }
    // digests a killed run had promised go out when their window ends; one it was sending (its
    // members carry the digest's intent) goes first, looked up before it is sent again
    for (LedgerEntry e : ledger.entries()) {
      Lane l = lanes.get(e.receiver());
      if (l == null || e.state() != LedgerEntry.State.DIGEST_PENDING) {
        continue;
      }
      if (e.intent() != null && e.intent().isDigest()) {
        l.resumeDigest(e);
      } else {
        l.digestBuffer.put(e.findingId(), e);
      }
    }
  }

  public AlertStats stats() {
    return stats;
  }

  /** Reports every settled delivery there as well (the {@code <prefix>-alerts} index). */
  public Dispatcher recordingTo(DeliveryRecords records) {
    this.records = records;
    return this;
  }

  /**
   * Queues one finding for every receiver its routes name. {@code done} runs once every receiver
   * has it settled in the ledger (sent, skipped as unchanged, promised to a digest, or
   * dead-lettered): only then may the Kafka offset move past it.
   */
  public void offer(Finding f, Runnable done) {
    stats.findingsIn.incrementAndGet();
    Set<String> receivers = matcher.receiversFor(f);
    if (receivers.isEmpty()) {
      stats.unrouted.incrementAndGet();
      done.run();
      return;
    }
    int[] left = {receivers.size()};
    Runnable one =
        () -> {
          if (--left[0] == 0) {
            done.run();
          }
        };
    Instant now = clock.instant();
    for (String r : receivers) {
      lanes.get(r).offer(f, one, now);
    }
  }

  /** Whether anything is queued or waiting for a digest. */
  public boolean idle() {
    return lanes.values().stream().allMatch(l -> l.queue.isEmpty() && l.digestBuffer.isEmpty());
  }

  /** When the next request or digest is due; null when nothing waits. */
  public Instant nextDue() {
    Instant next = null;
    for (Lane l : lanes.values()) {
      next = earliest(next, l.queue.isEmpty() ? null : l.notBefore);
      next = earliest(next, l.digestBuffer.isEmpty() ? null : l.windowEnd());
    }
    return next;
  }

  /**
   * Sends what is due. With {@code finishing}, digests go out now instead of at their window's end
   * and this returns only when everything is delivered or dead-lettered; otherwise it returns as
   * soon as the next due request is later than {@code until}.
   */
  public void drain(boolean finishing, Instant until) throws InterruptedException {
    while (true) {
      Instant now = clock.instant();
      for (Lane l : lanes.values()) {
        l.tick(now, finishing);
      }
      Lane ready = nextReady(now);
      if (ready != null) {
        ready.sendOne(clock.instant());
        continue;
      }
      Instant next = null;
      for (Lane l : lanes.values()) {
        next = earliest(next, l.queue.isEmpty() ? null : l.notBefore);
        if (!finishing) {
          next = earliest(next, l.digestBuffer.isEmpty() ? null : l.windowEnd());
        }
      }
      if (next == null || (until != null && next.isAfter(until))) {
        return;
      }
      Duration wait = Duration.between(now, next);
      if (!wait.isNegative() && !wait.isZero()) {
        sleeper.sleep(wait);
      }
    }
  }

  /** Sends everything and every digest, then returns: the end of a {@code --once} run. */
  public void finish() throws InterruptedException {
    drain(true, null);
    ledger.sync();
  }

  /** Forces the ledger to disk: call before committing offsets past what was offered. */
  public void sync() {
    ledger.sync();
  }

  private Lane nextReady(Instant now) {
    List<Lane> all = new ArrayList<>(lanes.values());
    for (int i = 0; i < all.size(); i++) {
      Lane l = all.get((nextLane + i) % all.size());
      if (!l.queue.isEmpty() && !l.notBefore.isAfter(now)) {
        nextLane = (nextLane + i + 1) % all.size();
        return l;
      }
    }
    return null;
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  private String windowText() {
    long m = window.toMinutes();
    return m > 0 && window.equals(Duration.ofMinutes(m)) ? m + " min" : window.toSeconds() + " s";
  }

  /** One finding (newest revision seen) or one digest waiting in a lane. */
  private static final class Pending {
    Finding finding;
    final List<DigestItem> digest;
    final Instant digestWindow;
    final List<Runnable> waiters = new ArrayList<>();
    int attempts;

    /** A digest's id once its intent is in the ledger; null before. */
    String digestId;

    long intentAtMillis;

    /** The digest may have been posted already (a killed run, a failed request): look first. */
    boolean lookUp;

    Pending(Finding f, Runnable waiter) {
      this.finding = f;
      this.digest = null;
      this.digestWindow = null;
      waiters.add(waiter);
    }

    Pending(List<DigestItem> items, Instant window) {
      this.finding = null;
      this.digest = items;
      this.digestWindow = window;
    }
  }

  private final class Lane {
    final AlertRoutes.Receiver receiver;
    final AlertSender sender;
    final LinkedHashMap<String, Pending> queue = new LinkedHashMap<>();
    final LinkedHashMap<String, LedgerEntry> digestBuffer = new LinkedHashMap<>();

    /** The newest revision of each finding promised to a digest, for its delivery record. */
    final Map<String, Finding> promised = new java.util.HashMap<>();

    Instant notBefore = Instant.EPOCH;
    Instant windowStart;
    int sentInWindow;
    int failures;
    boolean failing;

    Lane(AlertRoutes.Receiver receiver, AlertSender sender) {
      this.receiver = receiver;
      this.sender = sender;
    }

    Kind kind() {
      return receiver.kind();
    }

    Instant windowEnd() {
      return windowStart == null ? Instant.EPOCH : windowStart.plus(window);
    }

    void offer(Finding f, Runnable waiter, Instant now) {
      Pending queued = queue.get(f.getFindingId());
      if (queued != null && queued.finding != null) {
        // coalesce: the lane will send only the newest revision it holds
        if (f.getRevision() >= queued.finding.getRevision()) {
          queued.finding = f;
        }
        queued.waiters.add(waiter);
        return;
      }
      Optional<LedgerEntry> e = ledger.get(f.getFindingId(), receiver.name());
      Action a = DeliveryPlanner.plan(kind(), f, e);
      if (a == Action.NOTHING) {
        recordSeen(f, e);
        stats.unchanged.incrementAndGet();
        waiter.run();
        return;
      }
      if (DeliveryPlanner.isFirstDelivery(a, e)) {
        tick(now, false);
        roll(now);
        if (sentInWindow >= maxPerWindow) {
          LedgerEntry pending =
              new LedgerEntry(
                  f.getFindingId(),
                  receiver.name(),
                  f.getRevision(),
                  f.getStatus().name(),
                  f.getSeverity().name(),
                  LedgerEntry.State.DIGEST_PENDING,
                  null,
                  null,
                  digestLine(f),
                  now.toEpochMilli());
          ledger.putDeferred(pending);
          digestBuffer.put(f.getFindingId(), pending);
          promised.put(f.getFindingId(), f);
          waiter.run();
          return;
        }
        sentInWindow++;
      }
      queue.put(f.getFindingId(), new Pending(f, waiter));
    }

    void roll(Instant now) {
      if (windowStart == null || !now.isBefore(windowEnd())) {
        windowStart = now;
        sentInWindow = 0;
      }
    }

    void tick(Instant now, boolean finishing) {
      if (digestBuffer.isEmpty()) {
        return;
      }
      if (windowStart == null) {
        windowStart = now; // promised by a killed run: its window ends one window from now
      }
      if (finishing || !now.isBefore(windowEnd())) {
        List<DigestItem> items = new ArrayList<>();
        for (LedgerEntry e : digestBuffer.values()) {
          LedgerEntry current = ledger.get(e.findingId(), receiver.name()).orElse(e);
          items.add(new DigestItem(e.findingId(), e.digestLine(), current.severity()));
        }
        Instant w = windowStart;
        queue.put("digest:" + w.toEpochMilli() + ":" + queue.size(), new Pending(items, w));
        digestBuffer.clear();
        if (!now.isBefore(windowEnd())) {
          windowStart = now;
          sentInWindow = 0;
        }
      }
    }

    void sendOne(Instant now) {
      Iterator<Map.Entry<String, Pending>> it = queue.entrySet().iterator();
      Pending p = it.next().getValue();
      if (p.digest != null) {
        sendDigest(p, now);
        return;
      }
      Finding f = p.finding;
      String id = f.getFindingId();
      Optional<LedgerEntry> e = ledger.get(id, receiver.name());
      if (e.isPresent() && meantToPost(e.get())) {
        Optional<Optional<LedgerEntry>> looked = lookUp(p, f, e.get(), now);
        if (looked.isEmpty()) {
          return; // the lookup waits (429, Slack down) or gave up into the DLQ
        }
        e = looked.get();
      }
      Action a = DeliveryPlanner.plan(kind(), f, e);
      if (a == Action.NOTHING) {
        recordSeen(f, e);
        stats.unchanged.incrementAndGet();
        complete(id, p);
        return;
      }
      String method = method(a);
      ObjectNode body = render(a, f, e);
      hooks.beforeIntent(id, receiver.name());
      LedgerEntry.Intent intent =
          new LedgerEntry.Intent(
              a.name(),
              f.getRevision(),
              f.getStatus().name(),
              f.getSeverity().name(),
              now.toEpochMilli());
      ledger.put(settledOrNone(e, id, now).withIntent(intent));
      hooks.beforeSend(id, receiver.name());
      Outcome o = sender.send(method, body);
      if (o.kind() == Outcome.Kind.DELIVERED) {
        hooks.afterSendBeforeLedger(id, receiver.name());
        if (payloads != null) {
          payloads.write(receiver.name(), method, id + "-r" + f.getRevision(), body);
        }
        ledger.put(afterDelivery(a, f, e, o, now));
        report(f, a.name().toLowerCase(java.util.Locale.ROOT), "delivered", p.attempts + 1, now);
        count(a);
        hooks.afterLedger(id, receiver.name());
        recovered();
        notBefore = clock.instant().plus(minInterval()); // from the answer: the intent took time
        complete(id, p);
        return;
      }
      if (o.kind() == Outcome.Kind.RATE_LIMITED || o.kind() == Outcome.Kind.AUTH_FAILED) {
        // refused before doing anything: nothing was posted, a retry need not look for it. (A
        // timeout or a 5xx may have posted: the intent stays and the retry looks first.)
        ledger.putDeferred(settledOrNone(e, id, now));
      }
      if (a == Action.UPDATE
          && o.kind() == Outcome.Kind.REJECTED
          && String.valueOf(o.reason()).endsWith("message_not_found")) {
        // someone deleted the message: the finding gets a new one instead of a dead letter
        LedgerEntry prev = e.orElseThrow();
        ledger.put(
            new LedgerEntry(
                prev.findingId(),
                prev.receiver(),
                prev.revision(),
                prev.status(),
                prev.severity(),
                LedgerEntry.State.DEAD,
                null,
                null,
                null,
                now.toEpochMilli()));
        LOG.warn("{}: the message of finding {} is gone; posting it again", receiver.name(), id);
        return;
      }
      if (failed(p, o, now)) {
        deadLetter(a.name(), f, e, body, p.attempts, o.reason(), now);
        complete(id, p);
      }
    }

    LedgerEntry settledOrNone(Optional<LedgerEntry> e, String id, Instant now) {
      return e.map(x -> x.withIntent(null))
          .orElseGet(
              () ->
                  new LedgerEntry(
                      id,
                      receiver.name(),
                      -1, // below every revision: nothing was acted on yet
                      null,
                      null,
                      LedgerEntry.State.NONE,
                      null,
                      null,
                      null,
                      now.toEpochMilli()));
    }

    boolean meantToPost(LedgerEntry e) {
      return kind() == Kind.SLACK
          && e.intent() != null
          && e.intent().action().equals(Action.POST.name());
    }

    /**
     * A killed run wrote the intent to post this finding and may have posted it: look in the
     * channel for the message by its metadata. Found, its ts is adopted (the ledger then says
     * delivered at the revision the message carries); not found, the entry to plan from forgets the
     * intent and the finding is posted. Empty when the lookup must wait or gave up.
     */
    Optional<Optional<LedgerEntry>> lookUp(Pending p, Finding f, LedgerEntry e, Instant now) {
      LedgerEntry.Intent i = e.intent();
      Instant since = Instant.ofEpochMilli(i.atMillis()).minus(LOOKBACK_MARGIN);
      Outcome o = sender.findPosted(receiver.channel(), f.getFindingId(), receiver.name(), since);
      switch (o.kind()) {
        case DELIVERED:
          LedgerEntry adopted =
              new LedgerEntry(
                  e.findingId(),
                  e.receiver(),
                  o.revision() > 0 ? o.revision() : i.revision(),
                  i.status(),
                  i.severity(),
                  LedgerEntry.State.DELIVERED,
                  o.ts(),
                  o.channel(),
                  null,
                  now.toEpochMilli());
          ledger.put(adopted);
          report(f, "post", "delivered", p.attempts + 1, now);
          stats.slackAdopted.incrementAndGet();
          LOG.info(
              "{}: finding {} was posted before a restart (ts {}); not posting it again",
              receiver.name(),
              f.getFindingId(),
              o.ts());
          return Optional.of(Optional.of(adopted));
        case NOT_FOUND:
          ledger.putDeferred(e.withIntent(null));
          return Optional.of(Optional.of(e.withIntent(null)).filter(LedgerEntry::settled));
        case REJECTED:
        case AUTH_FAILED:
          // no history scope or no access: posting may repeat the message, never lose it
          LOG.warn(
              "{}: cannot look up whether finding {} was posted before a restart ({}); posting"
                  + " it",
              receiver.name(),
              f.getFindingId(),
              o.reason());
          ledger.putDeferred(e.withIntent(null));
          return Optional.of(Optional.of(e.withIntent(null)).filter(LedgerEntry::settled));
        default:
          if (failed(p, o, now)) {
            deadLetter("LOOKUP", f, Optional.of(e), null, p.attempts, o.reason(), now);
            complete(f.getFindingId(), p);
          }
          return Optional.empty();
      }
    }

    /**
     * Sends one digest exactly once across kills, as a single message is: its members' entries get
     * the digest's intent (its id and window) before the request, its Slack message carries the id
     * in its metadata, and a digest whose intent a killed run left (or whose request may have
     * arrived though it failed) is looked up in the channel first and adopted if it is there.
     */
    void sendDigest(Pending p, Instant now) {
      String key = queue.keySet().iterator().next();
      if (p.digestId == null) {
        String id = digestId(receiver.name(), p.digestWindow, membersAtRevisions(p.digest));
        hooks.beforeIntent(id, receiver.name());
        for (DigestItem i : p.digest) {
          ledger
              .get(i.findingId(), receiver.name())
              .filter(cur -> cur.state() == LedgerEntry.State.DIGEST_PENDING)
              .ifPresent(
                  cur ->
                      ledger.putDeferred(
                          cur.withIntent(
                              LedgerEntry.Intent.digest(
                                  cur, id, p.digestWindow.toEpochMilli(), now.toEpochMilli()))));
        }
        ledger.sync();
        p.digestId = id;
        p.intentAtMillis = now.toEpochMilli();
      } else if (p.lookUp) {
        Instant since = Instant.ofEpochMilli(p.intentAtMillis).minus(LOOKBACK_MARGIN);
        Outcome found =
            sender.findDigestPosted(receiver.channel(), p.digestId, receiver.name(), since);
        switch (found.kind()) {
          case DELIVERED:
            settleDigest(p, LedgerEntry.State.DIGESTED, "delivered", p.attempts + 1, now);
            stats.slackAdopted.incrementAndGet();
            LOG.info(
                "{}: digest {} of {} finding(s) was posted before a restart (ts {}); not posting"
                    + " it again",
                receiver.name(),
                p.digestId,
                p.digest.size(),
                found.ts());
            queue.remove(key);
            return;
          case NOT_FOUND:
            p.lookUp = false;
            break;
          case REJECTED:
          case AUTH_FAILED:
            // no history scope or no access: posting may repeat the digest, never lose it
            LOG.warn(
                "{}: cannot look up whether digest {} was posted before a restart ({}); posting it",
                receiver.name(),
                p.digestId,
                found.reason());
            p.lookUp = false;
            break;
          default:
            if (failed(p, found, now)) {
              deadLetterDigest(p, null, found.reason(), now);
              queue.remove(key);
            }
            return;
        }
      }
      ObjectNode body =
          kind() == Kind.PAGERDUTY
              ? PagerDutyPayloads.digest(receiver.name(), p.digestWindow, p.digest, windowText())
              : withDigestMetadata(
                  SlackMessages.digest(receiver.channel(), p.digestWindow, p.digest, windowText()),
                  p);
      String method = kind() == Kind.PAGERDUTY ? "enqueue" : "chat.postMessage";
      hooks.beforeSend(p.digestId, receiver.name());
      Outcome o = sender.send(method, body);
      if (o.kind() == Outcome.Kind.DELIVERED) {
        hooks.afterSendBeforeLedger(p.digestId, receiver.name());
        if (payloads != null) {
          payloads.write(receiver.name(), method, p.digestId, body);
        }
        settleDigest(p, LedgerEntry.State.DIGESTED, "delivered", p.attempts + 1, now);
        stats.digests.incrementAndGet();
        stats.digestedFindings.addAndGet(p.digest.size());
        if (kind() == Kind.PAGERDUTY) {
          stats.pagerDutyTriggers.incrementAndGet();
        } else {
          stats.slackPosted.incrementAndGet();
        }
        hooks.afterLedger(p.digestId, receiver.name());
        recovered();
        notBefore = clock.instant().plus(minInterval());
        queue.remove(key);
        return;
      }
      if (o.kind() != Outcome.Kind.RATE_LIMITED && o.kind() != Outcome.Kind.AUTH_FAILED) {
        // a timeout or a 5xx may have posted it: the retry looks first
        p.lookUp = true;
      }
      if (failed(p, o, now)) {
        deadLetterDigest(p, body, o.reason(), now);
        queue.remove(key);
      }
    }

    /** The members still waiting for this digest move to {@code state}; the intent is gone. */
    void settleDigest(
        Pending p, LedgerEntry.State state, String outcome, int attempts, Instant now) {
      for (DigestItem i : p.digest) {
        LedgerEntry cur = ledger.get(i.findingId(), receiver.name()).orElse(null);
        if (cur != null && cur.state() == LedgerEntry.State.DIGEST_PENDING) {
          ledger.putDeferred(
              new LedgerEntry(
                  cur.findingId(),
                  cur.receiver(),
                  cur.revision(),
                  cur.status(),
                  cur.severity(),
                  state,
                  null,
                  null,
                  null,
                  now.toEpochMilli()));
          reportDigested(cur, outcome, attempts, state == LedgerEntry.State.DIGESTED ? now : null);
        }
      }
      ledger.sync();
    }

    void deadLetterDigest(Pending p, ObjectNode body, String reason, Instant now) {
      ObjectNode line = dlqLine("DIGEST", p.attempts, reason, now);
      line.put("digest_id", p.digestId);
      line.put("findings", p.digest.size());
      line.putPOJO("finding_ids", p.digest.stream().map(DigestItem::findingId).toList());
      line.set("payload", body);
      dlq.write(line);
      settleDigest(p, LedgerEntry.State.DEAD, "dead_lettered", p.attempts, now);
      stats.deadLettered.incrementAndGet();
    }

    /** What lets a restart find this digest again: its id, never a finding's text. */
    ObjectNode withDigestMetadata(ObjectNode body, Pending p) {
      ObjectNode md = body.putObject("metadata");
      md.put("event_type", SlackSender.DIGEST_EVENT_TYPE);
      ObjectNode payload = md.putObject("event_payload");
      payload.put("digest_id", p.digestId);
      payload.put("receiver", receiver.name());
      payload.put("findings", p.digest.size());
      return body;
    }

    /** {@code finding_id@revision} of each member, as the ledger has it now. */
    List<String> membersAtRevisions(List<DigestItem> items) {
      List<String> out = new ArrayList<>(items.size());
      for (DigestItem i : items) {
        long rev =
            ledger.get(i.findingId(), receiver.name()).map(LedgerEntry::revision).orElse(-1L);
        out.add(i.findingId() + "@" + rev);
      }
      return out;
    }

    /** A digest a killed run was sending: its members gather under its id, looked up first. */
    void resumeDigest(LedgerEntry member) {
      LedgerEntry.Intent i = member.intent();
      Pending p =
          queue.computeIfAbsent(
              "digest:" + i.digestId(),
              k -> {
                Pending r =
                    new Pending(new ArrayList<>(), Instant.ofEpochMilli(i.digestWindowMillis()));
                r.digestId = i.digestId();
                r.intentAtMillis = i.atMillis();
                r.lookUp = true;
                return r;
              });
      p.digest.add(new DigestItem(member.findingId(), member.digestLine(), member.severity()));
    }

    /** Applies a failed outcome to the lane; true when the alert is given up (to the DLQ). */
    boolean failed(Pending p, Outcome o, Instant now) {
      p.attempts++;
      switch (o.kind()) {
        case REJECTED:
          return true;
        case RATE_LIMITED:
          stats.rateLimited.incrementAndGet();
          Duration wait = o.retryAfter() != null ? o.retryAfter() : backoff(++failures);
          notBefore = now.plus(wait);
          LOG.warn("{}: rate limited, next request in {} s", receiver.name(), wait.toSeconds());
          break;
        case AUTH_FAILED:
          reportFailing(p, now);
          if (!failing) {
            LOG.error(
                "receiver {} is FAILING: {} — check {}; its alerts are kept and retried",
                receiver.name(),
                o.reason(),
                receiver.secretSource());
          }
          failing = true;
          stats.retries.incrementAndGet();
          notBefore = now.plus(backoff(++failures));
          break;
        default:
          reportFailing(p, now);
          stats.retries.incrementAndGet();
          notBefore = now.plus(backoff(++failures));
          LOG.warn("{}: {}; retrying (attempt {})", receiver.name(), o.reason(), p.attempts + 1);
      }
      return p.attempts >= settings.maxAttempts();
    }

    String channel() {
      return kind() == Kind.PAGERDUTY ? "pagerduty" : "slack";
    }

    void report(Finding f, String action, String outcome, int attempts, Instant deliveredAt) {
      records.record(
          new DeliveryRecords.Delivery(
              f.getFindingId(),
              receiver.name(),
              channel(),
              f.getType().name(),
              f.getSeverity().name(),
              f.getStatus().name(),
              f.getRevision(),
              action,
              outcome,
              attempts,
              deliveredAt,
              f.getPersonId()));
    }

    void reportFailing(Pending p, Instant now) {
      if (p.finding == null) {
        return; // a digest: its findings are reported when it is sent or dead-lettered
      }
      Action a =
          DeliveryPlanner.plan(
              kind(), p.finding, ledger.get(p.finding.getFindingId(), receiver.name()));
      String action = a == Action.NOTHING ? "post" : a.name().toLowerCase(java.util.Locale.ROOT);
      report(p.finding, action, "failing", p.attempts, null);
    }

    void reportDigested(LedgerEntry e, String outcome, int attempts, Instant deliveredAt) {
      Finding f = promised.remove(e.findingId());
      // a digest promised by a killed run: its line holds "SEVERITY TYPE PERSON ..."
      String[] words = e.digestLine() == null ? new String[0] : e.digestLine().split(" ");
      records.record(
          new DeliveryRecords.Delivery(
              e.findingId(),
              receiver.name(),
              channel(),
              f != null ? f.getType().name() : words.length > 1 ? words[1] : null,
              e.severity(),
              e.status(),
              e.revision(),
              "digest",
              outcome,
              attempts,
              deliveredAt,
              f != null ? f.getPersonId() : words.length > 2 ? words[2] : null));
    }

    void recovered() {
      if (failing) {
        LOG.info("receiver {} recovered", receiver.name());
      }
      failing = false;
      failures = 0;
    }

    Duration backoff(int n) {
      long base = settings.backoffBase().toMillis();
      long ms = base << Math.min(Math.max(0, n - 1), 20);
      return Duration.ofMillis(Math.min(ms, settings.backoffCap().toMillis()));
    }

    Duration minInterval() {
      return kind() == Kind.SLACK ? settings.slackMinInterval() : settings.pagerDutyMinInterval();
    }

    void complete(String key, Pending p) {
      queue.remove(key);
      p.waiters.forEach(Runnable::run);
    }

    String method(Action a) {
      switch (a) {
        case POST:
          return "chat.postMessage";
        case UPDATE:
          return "chat.update";
        default:
          return "enqueue";
      }
    }

    ObjectNode render(Action a, Finding f, Optional<LedgerEntry> e) {
      switch (a) {
        case TRIGGER:
          return PagerDutyPayloads.trigger(f, links);
        case RESOLVE:
          return PagerDutyPayloads.resolve(f);
        case POST:
          return withMetadata(SlackMessages.post(receiver.channel(), f, links), f);
        case UPDATE:
          LedgerEntry prev = e.orElseThrow();
          return withMetadata(
              SlackMessages.update(
                  prev.channel() != null ? prev.channel() : receiver.channel(),
                  prev.ts(),
                  f,
                  links),
              f);
        default:
          throw new IllegalStateException("nothing to render for " + a);
      }
    }

    /** What lets a restart find this message again: identifiers only, never event text. */
    ObjectNode withMetadata(ObjectNode body, Finding f) {
      ObjectNode md = body.putObject("metadata");
      md.put("event_type", SlackSender.EVENT_TYPE);
      ObjectNode payload = md.putObject("event_payload");
      payload.put("finding_id", f.getFindingId());
      payload.put("receiver", receiver.name());
      payload.put("revision", f.getRevision());
      return body;
    }

    LedgerEntry afterDelivery(
        Action a, Finding f, Optional<LedgerEntry> e, Outcome o, Instant now) {
      String severity = f.getSeverity().name();
      String ts = null;
      String channel = null;
      if (a == Action.RESOLVE && e.isPresent() && e.get().settled()) {
        severity = e.get().severity();
      }
      if (a == Action.POST) {
        ts = o.ts();
        channel = o.channel() != null ? o.channel() : receiver.channel();
      } else if (a == Action.UPDATE) {
        ts = e.get().ts();
        channel = e.get().channel();
      }
      return new LedgerEntry(
          f.getFindingId(),
          receiver.name(),
          f.getRevision(),
          f.getStatus().name(),
          severity,
          LedgerEntry.State.DELIVERED,
          ts,
          channel,
          null,
          now.toEpochMilli());
    }

    void count(Action a) {
      switch (a) {
        case TRIGGER:
          stats.pagerDutyTriggers.incrementAndGet();
          break;
        case RESOLVE:
          stats.pagerDutyResolves.incrementAndGet();
          break;
        case POST:
          stats.slackPosted.incrementAndGet();
          break;
        default:
          stats.slackUpdated.incrementAndGet();
      }
    }

    /** A revision that needs no message still moves the ledger, so it is not looked at again. */
    void recordSeen(Finding f, Optional<LedgerEntry> e) {
      if (e.isEmpty() || f.getRevision() <= e.get().revision()) {
        return;
      }
      LedgerEntry p = e.get();
      boolean pending = p.state() == LedgerEntry.State.DIGEST_PENDING;
      ledger.putDeferred(
          new LedgerEntry(
              p.findingId(),
              p.receiver(),
              f.getRevision(),
              f.getStatus().name(),
              pending ? f.getSeverity().name() : p.severity(),
              p.state(),
              p.ts(),
              p.channel(),
              pending ? digestLine(f) : p.digestLine(),
              clock.millis(),
              pending ? p.intent() : null)); // a digest being sent keeps its intent
      // a finding in a digest already formed stays in that one; one still waiting shows the newest
      if (pending && digestBuffer.containsKey(p.findingId())) {
        digestBuffer.put(p.findingId(), ledger.get(p.findingId(), p.receiver()).orElseThrow());
      }
      if (pending) {
        promised.put(p.findingId(), f);
      }
    }

    void deadLetter(
        String action,
        Finding f,
        Optional<LedgerEntry> e,
        ObjectNode body,
        int attempts,
        String reason,
        Instant now) {
      ObjectNode line = dlqLine(action, attempts, reason, now);
      line.put("finding_id", f.getFindingId());
      line.put("revision", f.getRevision());
      line.set("payload", body);
      dlq.write(line);
      stats.deadLettered.incrementAndGet();
      report(f, "dead_letter", "dead_lettered", attempts, null);
      LOG.error(
          "{}: {} of finding {} dead-lettered: {}",
          receiver.name(),
          action,
          f.getFindingId(),
          reason);
      // an update that was refused keeps the message it would have updated; a first delivery is
      // marked dead so a restart does not send the same revision again
      LedgerEntry prev = e.orElse(null);
      boolean keep = prev != null && prev.state() != LedgerEntry.State.DEAD && prev.settled();
      ledger.put(
          new LedgerEntry(
              f.getFindingId(),
              receiver.name(),
              f.getRevision(),
              keep ? prev.status() : f.getStatus().name(),
              keep ? prev.severity() : f.getSeverity().name(),
              keep ? prev.state() : LedgerEntry.State.DEAD,
              keep ? prev.ts() : null,
              keep ? prev.channel() : null,
              null,
              now.toEpochMilli()));
    }

    ObjectNode dlqLine(String action, int attempts, String reason, Instant now) {
      ObjectNode line = Json.mapper().createObjectNode();
      line.put("at", now.toString());
      line.put("receiver", receiver.name());
      line.put("receiver_kind", kind().name());
      line.put("action", action);
      line.put("attempts", attempts);
      line.put(
          "reason",
          attempts >= settings.maxAttempts() && !reason.startsWith("gave up")
              ? "gave up after " + attempts + " attempt(s); last: " + reason
              : reason);
      return line;
    }
  }

  /**
   * A digest's id: the same for the same receiver, window and members at the same revisions, so a
   * restart that finds the intent of a digest looks for the very message that digest posted.
   */
  static String digestId(String receiver, Instant window, List<String> membersAtRevisions) {
    List<String> sorted = new ArrayList<>(membersAtRevisions);
    Collections.sort(sorted);
    StringBuilder in = new StringBuilder(receiver).append('\n').append(window.toEpochMilli());
    sorted.forEach(m -> in.append('\n').append(m));
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(in.toString().getBytes(StandardCharsets.UTF_8));
      return "digest-" + HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A digest line: ids and enums only, never event text. */
  static String digestLine(Finding f) {
    return f.getSeverity().name()
        + " "
        + f.getType().name()
        + " "
        + f.getPersonId()
        + (f.getStatus() == io.leaverwatch.schema.FindingStatus.RESOLVED ? " (resolved)" : "")
        + " \u2014 finding "
        + f.getFindingId();
  }
}
