package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leaverwatch.testkit.generate.GeneratedEvent.Source;
import io.leaverwatch.testkit.generate.OktaEvents.Entity;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a synthetic organisation's audit logs in the native formats (Okta System Log, GitHub
 * organization audit log, CloudTrail S3 log files with DynamoDB data events), its HR departures,
 * identities and daily access snapshots, with injected offboarding incidents and the exact set of
 * findings a correct detector produces (ground-truth.ndjson). Same config and seed: byte-identical
 * output (one seeded {@link SplittableRandom} tree, no clock, no hash ordering).
 *
 * <p>Detection semantics the ground truth follows:
 *
 * <ul>
 *   <li>Normal activity: working days 08:00-19:00 UTC, a few people on weekends from home. Every
 *       working day each person signs in from their home IP (theirs alone), their office IP and
 *       their VPN IP (each shared by at least 10 people, so never anyone's "own" IP). Non-departing
 *       SREs sometimes change Route 53 / SSM / Actions secrets and non-departing people sometimes
 *       create GitHub tokens: no finding. Nobody with a departure record (notice or not) changes
 *       credentials or sensitive settings, and nobody touches their credentials, except the
 *       injected incidents below.
 *   <li>Departures: departed_at 16:00-20:00 UTC on day 1 .. days-4, so every deadline (Okta 1 h,
 *       GitHub 4 h, AWS 4 h, grace 15 min) and every incident (up to +48 h) is before the last
 *       event. 80% have notice_at = departed_at - 7..21 days. The leaver's own activity stops 1 min
 *       before departed_at.
 *   <li>Clean offboarding (most departures, no finding): 8-30 min after departed_at the approved
 *       automation (Okta {@value OktaEvents#AUTOMATION_LOGIN}, GitHub {@value
 *       GitHubEvents#AUTOMATION_LOGIN}, AWS role offboarding-automation) runs, for each system the
 *       person has: Okta user.lifecycle.deactivate (target = the user); GitHub org.remove_member
 *       (user = login, also for logins known only from external_identity_nameid); for IAM users
 *       DeleteAccessKey for every key, DeleteLoginProfile, RemoveUserFromGroup, DeleteUser.
 *       SSO-only people have no AWS step. Snapshots (23:00 daily) drop each grant at its
 *       revocation.
 *   <li>Incidents ({@code incidents/incidents.yaml}, read by {@link IncidentCatalogue}, two
 *       occurrences each, each on its own leaver, events of one incident inside one clock hour,
 *       post-departure ones at departed_at +2 h..+48 h from an IP nobody used before):
 *       POST_DEPARTURE_ACTIVITY per source (Okta success and failure, git.clone, PAT api.request,
 *       IAM user console/API and DynamoDB Scan/GetItem with AWS offboarding skipped, hence also
 *       RETAINED_ACCESS CLOUDTRAIL + OFFBOARDING_INCOMPLETE; SSO session named by the email, PDA
 *       CLOUDTRAIL only); RETAINED_ACCESS (GitHub removal missing + OFFBOARDING_INCOMPLETE; Okta
 *       deactivate FAILURE or AWS calls AccessDenied, never retried + OFFBOARDING_INCOMPLETE; Okta
 *       deactivate 3-5 h late: RA only; removal logged but snapshot still lists the membership: RA
 *       GITHUB only; admin re-activates the Okta user: RA OKTA); OUT_OF_WORKFLOW_CREDENTIAL_CHANGE
 *       during notice (admin CreateAccessKey for the leaver, deleted again by the automation;
 *       leaver creates a fine-grained PAT or OAuth token; admin resets all the leaver's MFA factors
 *       or the leaver creates an Okta API token); SENSITIVE_CHANGE_BY_FLAGGED_ACCOUNT during notice
 *       (Route 53 + SSM, Lambda config + Secrets Manager; Actions secret, audit-log stream);
 *       KNOWN_IP_ACCESS_ATTEMPT (unknown account fails Okta sign-in from the leaver's home IP).
 *       Negative cases: git.clone 5 min after departure (inside grace) and a RESCINDED departure
 *       whose person keeps working with no offboarding: no finding at all.
 * </ul>
 */
public final class OrgGenerator {
  public static final String ACCOUNT_ID = "123456789012";
  static final String REGION = "us-east-1";
  static final String SECOND_REGION = "us-west-2";
  static final String[] REGIONS = {REGION, SECOND_REGION};

  /**
   * Keeps each S3 log file well under readers' per-record limits, as CloudTrail's 5-min files do.
   */
  static final int RECORDS_PER_FILE = 2000;

  static final long SECOND = 1000L;
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  private static final String GIT_UA = "git/2.46.0";
  private static final String API_UA = "curl/8.7.1";

  private static final String OKTA_SDK_UA = "okta-sdk-java/20.0.0 java/17.0.12 Linux/5.10.226";

  private final GeneratorConfig cfg;
  private final Consumer<String> progress;
  private final ObjectWriter json = new ObjectMapper().writer();
  private final List<Incident> incidents;

  private List<Person> people;
  private Leaver[] leaverOf;
  private final List<Leaver> leavers = new ArrayList<>();
  private final List<GeneratedEvent> scheduled = new ArrayList<>();
  private List<List<Grant>> grants;
  private final List<ExpectedFinding> truth = new ArrayList<>();
  private final Map<String, List<String>> incidentPeople = new TreeMap<>();
  private final List<String> skipped = new ArrayList<>();
  private final Map<String, Long> files = new TreeMap<>();
  private final Map<Source, Long> eventsBySource = new EnumMap<>(Source.class);
  private long seq;
  private int freshIps;

  /** An access grant as the snapshots list it, active from {@code from} until {@code until}. */
  private static final class Grant {
    final String identity;
    final String system;
    final String grant;
    final long from;
    long until = Long.MAX_VALUE;

    Grant(String identity, String system, String grant, long from) {
      this.identity = identity;
      this.system = system;
      this.grant = grant;
      this.from = from;
    }
  }

  public OrgGenerator(GeneratorConfig cfg, Consumer<String> progress) {
    this(cfg, progress, IncidentCatalogue.load());
  }

  OrgGenerator(GeneratorConfig cfg, Consumer<String> progress, List<Incident> incidents) {
    this.cfg = cfg;
    this.progress = progress;
    this.incidents = incidents;
  }

  public GenerationSummary run() throws IOException {
    SplittableRandom root = new SplittableRandom(cfg.seed());
    SplittableRandom orgRng = root.split();
    SplittableRandom planRng = root.split();
    SplittableRandom fileRng = root.split();
    people = Organisation.build(cfg.people(), cfg.domain(), orgRng);
    leaverOf = new Leaver[people.size()];
    initialGrants();
    pickLeavers(planRng);
    assignIncidents();
    for (Leaver l : leavers) {
      plan(l, planRng);
    }
    scheduled.sort(ORDER);
    for (Source s : Source.values()) {
      eventsBySource.put(s, 0L);
    }

    Path out = cfg.out();
    Files.createDirectories(out.resolve("okta"));
    Files.createDirectories(out.resolve("github"));
    Files.createDirectories(out.resolve("cloudtrail"));
    long startMs = cfg.start().toEpochMilli();
    int next = 0;
    long accessLines = 0;
    try (Writer access = writer(out.resolve("access.ndjson"))) {
      for (int day = 0; day < cfg.days(); day++) {
        long dayStart = startMs + day * DAY;
        List<GeneratedEvent> events = new ArrayList<>();
        normalDay(dayStart, root.split(), events);
        while (next < scheduled.size() && scheduled.get(next).epochMs() < dayStart + DAY) {
          events.add(scheduled.get(next++));
        }
        events.sort(ORDER);
        writeDay(dayStart, events, fileRng);
        accessLines += writeSnapshot(access, dayStart + 23 * HOUR);
        progress.accept(
            String.format(
                "day %d/%d %s: %,d events", day + 1, cfg.days(), date(dayStart), events.size()));
      }
    }
    if (next < scheduled.size()) {
      throw new IllegalStateException("an injected event falls after the generated window");
    }
    files.put("access.ndjson", accessLines);
    writeDepartures(out.resolve("departures.csv"));
    writeIdentities(out.resolve("identities.csv"));
    writeGroundTruth(out.resolve("ground-truth.ndjson"));
    Map<String, Long> bySource = new LinkedHashMap<>();
    eventsBySource.forEach((k, v) -> bySource.put(k.name(), v));
    writeManifest(out.resolve("manifest.json"), bySource);
    return new GenerationSummary(
        bySource,
        Collections.unmodifiableMap(files),
        truth.size(),
        Collections.unmodifiableMap(incidentPeople),
        List.copyOf(skipped));
  }

  private static final Comparator<GeneratedEvent> ORDER =
      Comparator.comparingLong(GeneratedEvent::epochMs).thenComparingLong(GeneratedEvent::seq);

  // ---------------------------------------------------------------- organisation and departures

  private void initialGrants() {
    grants = new ArrayList<>(people.size());
    for (Person p : people) {
      List<Grant> g = new ArrayList<>();
      g.add(new Grant(p.oktaId(), "okta", "okta_user", Long.MIN_VALUE));
      g.add(new Grant(p.githubLogin(), "github", "org_member:" + GitHubEvents.ORG, Long.MIN_VALUE));
      if (p.hasIamUser()) {
        for (String key : p.accessKeyIds()) {
          g.add(new Grant(p.iamUserName(), "aws", "access_key:" + key, Long.MIN_VALUE));
        }
        g.add(new Grant(p.iamUserName(), "aws", "login_profile", Long.MIN_VALUE));
      }
      grants.add(g);
    }
  }

  private void pickLeavers(SplittableRandom rng) {
    int[] candidates = new int[people.size() - Organisation.ADMIN_COUNT];
    for (int i = 0; i < candidates.length; i++) {
      candidates[i] = i + Organisation.ADMIN_COUNT;
    }
    for (int i = candidates.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = candidates[i];
      candidates[i] = candidates[j];
      candidates[j] = t;
    }
    long startMs = cfg.start().toEpochMilli();
    int lastDay = cfg.days() - 4;
    for (int i = 0; i < cfg.departures(); i++) {
      Person p = people.get(candidates[i]);
      int day = 1 + rng.nextInt(lastDay);
      long departed =
          startMs + day * DAY + 16 * HOUR + rng.nextInt(4 * 3600) * SECOND + rng.nextInt(1000);
      Long notice = null;
      if (rng.nextInt(100) < 80) {
        notice = departed - 7 * DAY - rng.nextInt(14 * 24 * 60) * MINUTE;
      }
      Leaver l = new Leaver(p, notice, departed, false, null, 0, i + 1);
      leavers.add(l);
    }
  }

  /**
   * Hands incident kinds to leavers: one occurrence of every kind first, then further rounds (two,
   * or one per 50 departures), each on a leaver of its own, and always keeps a quarter of the
   * departures clean.
   */
  private void assignIncidents() {
    int budget = leavers.size() - Math.max(1, leavers.size() / 4);
    int rounds = Math.max(2, leavers.size() / 50);
    for (int round = 0; round < rounds; round++) {
      for (Incident kind : incidents) {
        int found = -1;
        if (budget > 0) {
          for (int i = 0; i < leavers.size(); i++) {
            Leaver l = leavers.get(i);
            if (l.incident() == null && kind.need().test.test(l)) {
              found = i;
              break;
            }
          }
        }
        if (found < 0) {
          skipped.add(kind.id() + "#" + (round + 1));
          continue;
        }
        leavers.set(found, leavers.get(found).withIncident(kind, round));
        budget--;
      }
    }
    for (Leaver l : leavers) {
      leaverOf[l.person().index()] = l;
    }
  }

  // ---------------------------------------------------------------- offboarding and incidents

  private void plan(Leaver l, SplittableRandom rng) {
    Person p = l.person();
    Incident k = l.incident();
    Incident.Offboarding off = k == null ? Incident.Offboarding.DONE : k.offboarding();
    if (k != null) {
      incidentPeople.computeIfAbsent(k.id(), x -> new ArrayList<>()).add(p.personId());
      for (Incident.Expected e : k.expected()) {
        truth.add(new ExpectedFinding(e.type(), p.personId(), e.source(), k.description()));
      }
    }
    if (l.rescinded()) {
      return;
    }
    if (k != null && k.when() == Incident.When.NOTICE_PERIOD) {
      playIncident(l, k, rng);
    }
    long base = l.departedAt() + (8 + rng.nextInt(23)) * MINUTE + rng.nextInt(60_000);

    if (off.okta() == Incident.Okta.LATE) {
      offboardOkta(l, l.departedAt() + 3 * HOUR + rng.nextInt(120) * MINUTE, true, rng);
    } else {
      offboardOkta(l, base, off.okta() != Incident.Okta.FAILED, rng);
    }
    if (off.github() != Incident.GitHub.MISSING) {
      offboardGitHub(
          l,
          base + rng.nextInt(180) * SECOND,
          off.github() != Incident.GitHub.KEPT_IN_SNAPSHOT,
          rng);
    }
    if (p.hasIamUser() && off.aws() != Incident.Aws.SKIPPED) {
      offboardAws(l, base + rng.nextInt(300) * SECOND, off.aws() != Incident.Aws.FAILED, rng);
    }
    if (k != null && k.when() == Incident.When.AFTER_DEPARTURE) {
      playIncident(l, k, rng);
    }
  }

  /** Plays an incident's events, from the templates of its file. */
  private void playIncident(Leaver l, Incident k, SplittableRandom rng) {
    List<Incident.Event> events = k.variants().get(l.variant() % k.variants().size());
    Cast cast = new Cast(l, rng);
    long clock = Long.MIN_VALUE;
    for (Incident.Event e : events) {
      long prior = clock;
      long t =
          e.at()
              .evaluate(
                  a ->
                      switch (a) {
                        case INCIDENT_HOUR -> incidentHour(l, rng);
                        case NOTICE_HOUR -> noticeHour(l, rng);
                        case DEPARTED -> l.departedAt();
                        case PREVIOUS -> prior;
                      },
                  rng);
      for (int i = 0; i < e.repeat(); i++) {
        cast.repetition = i;
        cast.eventTime = t;
        cast.previousTime = prior;
        switch (e.source()) {
          case OKTA -> schedule(t, Source.OKTA, null, IncidentEvents.okta(e.template(), cast, t));
          case GITHUB ->
              schedule(t, Source.GITHUB, null, IncidentEvents.github(e.template(), cast, t));
          case CLOUDTRAIL ->
              schedule(
                  t,
                  IncidentEvents.isDynamoDb(e.template()) ? Source.DYNAMODB : Source.CLOUDTRAIL,
                  e.template().get("awsRegion").asText(),
                  IncidentEvents.cloudTrail(e.template(), cast, t));
        }
        if (e.grant() != null) {
          JsonNode g = IncidentEvents.resolve(e.grant(), cast);
          grants
              .get(l.person().index())
              .add(
                  new Grant(
                      g.get("identity").asText(),
                      g.get("system").asText(),
                      g.get("grant").asText(),
                      t));
        }
        if (e.every() != null) {
          t += e.every().evaluate(a -> 0L, rng);
        }
      }
      clock = t;
    }
  }

  /** What an incident's placeholders are filled from, for one leaver. */
  private final class Cast implements IncidentEvents.Cast {
    private final Leaver leaver;
    private final SplittableRandom rng;
    private Person admin;
    private String freshIp;
    private Long tokenId;
    private String accessKey;
    private final Map<String, ObjectNode> callers = new HashMap<>();
    int repetition;
    long eventTime;
    long previousTime;

    Cast(Leaver leaver, SplittableRandom rng) {
      this.leaver = leaver;
      this.rng = rng;
    }

    @Override
    public Person leaver() {
      return leaver.person();
    }

    @Override
    public Person admin() {
      if (admin == null) {
        admin = OrgGenerator.this.admin(rng);
      }
      return admin;
    }

    @Override
    public String freshIp() {
      if (freshIp == null) {
        freshIp = OrgGenerator.this.freshIp();
      }
      return freshIp;
    }

    @Override
    public long newTokenId() {
      if (tokenId == null) {
        tokenId = 60_000_000L + rng.nextInt(9_000_000);
      }
      return tokenId;
    }

    @Override
    public String newAccessKey() {
      if (accessKey == null) {
        accessKey = Ids.accessKeyId(rng, "AKIA");
      }
      return accessKey;
    }

    @Override
    public ObjectNode caller(String placeholder, Supplier<ObjectNode> make) {
      ObjectNode c = callers.get(placeholder);
      if (c == null) {
        c = make.get();
        callers.put(placeholder, c);
      }
      return c;
    }

    @Override
    public long eventTime() {
      return eventTime;
    }

    @Override
    public long previousTime() {
      return previousTime;
    }

    @Override
    public String domain() {
      return cfg.domain();
    }

    @Override
    public SplittableRandom rng() {
      return rng;
    }

    @Override
    public int variant() {
      return leaver.variant();
    }

    @Override
    public int repetition() {
      return repetition;
    }
  }

  private void offboardOkta(Leaver l, long t, boolean success, SplittableRandom rng) {
    Person p = l.person();
    ObjectNode e =
        OktaEvents.event(
            rng,
            t,
            OktaEvents.DEACTIVATE,
            Entity.automation(),
            OktaEvents.AUTOMATION_IP,
            OKTA_SDK_UA,
            success,
            success ? null : "E0000006: You do not have permission to perform the requested action",
            List.of(Entity.user(p)),
            p.oktaId());
    schedule(t, Source.OKTA, null, e);
    if (success) {
      revoke(p, "okta", t);
    }
  }

  private void offboardGitHub(Leaver l, long t, boolean dropGrant, SplittableRandom rng) {
    ObjectNode e = GitHubEvents.byAutomation(rng, t, "org.remove_member");
    GitHubEvents.user(e, l.person());
    schedule(t, Source.GITHUB, null, e);
    if (dropGrant) {
      revoke(l.person(), "github", t);
    }
  }

  private void offboardAws(Leaver l, long t, boolean success, SplittableRandom rng) {
    Person p = l.person();
    ObjectNode who = CloudTrailEvents.automation(rng, l.run(), t - MINUTE);
    String ua = CloudTrailEvents.AUTOMATION_UA;
    String denied = success ? null : "AccessDenied";
    long at = t;
    for (Grant g : grants.get(p.index())) {
      if (!g.system.equals("aws") || !g.grant.startsWith("access_key:") || g.until <= t) {
        continue;
      }
      ObjectNode req = CloudTrailEvents.obj();
      req.put("userName", p.iamUserName());
      req.put("accessKeyId", g.grant.substring("access_key:".length()));
      awsCall(rng, at, who, "iam.amazonaws.com", "DeleteAccessKey", ua, req, denied, l);
      if (success) {
        g.until = at;
      }
      at += 2 * SECOND + rng.nextInt(3000);
    }
    ObjectNode req = CloudTrailEvents.obj();
    req.put("userName", p.iamUserName());
    awsCall(rng, at, who, "iam.amazonaws.com", "DeleteLoginProfile", ua, req, denied, l);
    if (success) {
      for (Grant g : grants.get(p.index())) {
        if (g.system.equals("aws") && g.grant.equals("login_profile") && g.until > at) {
          g.until = at;
        }
      }
    }
    at += 2 * SECOND + rng.nextInt(3000);
    ObjectNode group = CloudTrailEvents.obj();
    group.put("groupName", "engineering");
    group.put("userName", p.iamUserName());
    awsCall(rng, at, who, "iam.amazonaws.com", "RemoveUserFromGroup", ua, group, denied, l);
    at += 2 * SECOND + rng.nextInt(3000);
    awsCall(rng, at, who, "iam.amazonaws.com", "DeleteUser", ua, req.deepCopy(), denied, l);
  }

  private void awsCall(
      SplittableRandom rng,
      long t,
      ObjectNode who,
      String source,
      String name,
      String ua,
      ObjectNode req,
      String errorCode,
      Leaver l) {
    String message = null;
    if (errorCode != null) {
      message =
          "User: arn:aws:sts::"
              + ACCOUNT_ID
              + ":assumed-role/"
              + CloudTrailEvents.AUTOMATION_ROLE
              + "/offboarding-run-"
              + l.run()
              + " is not authorized to perform: iam:"
              + name
              + " on resource: user "
              + l.person().iamUserName()
              + " because no identity-based policy allows the iam:"
              + name
              + " action";
    }
    ObjectNode e =
        CloudTrailEvents.apiCall(
            rng,
            t,
            who.deepCopy(),
            source,
            name,
            REGION,
            OktaEvents.AUTOMATION_IP,
            ua,
            req,
            null,
            errorCode,
            message,
            false);
    schedule(t, Source.CLOUDTRAIL, REGION, e);
  }

  /** A time inside a clock hour that starts 2..46 h after departure. */
  private static long incidentHour(Leaver l, SplittableRandom rng) {
    long firstHour = ceilHour(l.departedAt() + 2 * HOUR);
    long hour = firstHour + rng.nextInt(44) * HOUR;
    return hour + rng.nextInt(40) * MINUTE + rng.nextInt(60_000);
  }

  /** A time inside a clock hour of the notice period (flagged, not yet departed). */
  private long noticeHour(Leaver l, SplittableRandom rng) {
    long lo = ceilHour(Math.max(l.noticeAt(), cfg.start().toEpochMilli()));
    long hi = l.departedAt() - 2 * HOUR;
    long hours = Math.max(1, (hi - lo) / HOUR);
    long hour = lo + rng.nextLong(hours) * HOUR;
    return hour + rng.nextInt(30) * MINUTE + rng.nextInt(60_000);
  }

  private static long ceilHour(long t) {
    return Math.floorDiv(t + HOUR - 1, HOUR) * HOUR;
  }

  private Person admin(SplittableRandom rng) {
    return people.get(rng.nextInt(Organisation.ADMIN_COUNT));
  }

  /** An address nobody in the organisation has used. */
  private String freshIp() {
    int n = freshIps++;
    return "185.220." + (100 + n / 250) + "." + (1 + n % 250);
  }

  private void revoke(Person p, String system, long t) {
    for (Grant g : grants.get(p.index())) {
      if (g.system.equals(system) && g.from <= t && g.until > t) {
        g.until = t;
      }
    }
  }

  private void schedule(long t, Source source, String region, ObjectNode event) {
    scheduled.add(new GeneratedEvent(t, seq++, source, region, render(event)));
  }

  private String render(ObjectNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a generated event", e);
    }
  }

  // ---------------------------------------------------------------- normal activity

  private void normalDay(long dayStart, SplittableRandom rng, List<GeneratedEvent> out) {
    DayOfWeek dow = Instant.ofEpochMilli(dayStart).atZone(ZoneOffset.UTC).getDayOfWeek();
    boolean working = dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY;
    int spread = Math.max(1, 2 * cfg.eventsPerDay() - 5);
    long[] times = new long[2 * cfg.eventsPerDay() + 4];
    for (Person p : people) {
      Leaver l = leaverOf[p.index()];
      long stopAt = l != null && !l.rescinded() ? l.departedAt() - MINUTE : Long.MAX_VALUE;
      int n;
      if (working) {
        n = 3 + rng.nextInt(spread);
      } else {
        if (rng.nextInt(100) >= 8) {
          continue;
        }
        n = 1 + rng.nextInt(3);
      }
      if (stopAt <= dayStart) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        times[i] = dayStart + 8 * HOUR + rng.nextLong(11 * HOUR);
      }
      Arrays.sort(times, 0, n);
      boolean quiet = l != null || p.admin();
      for (int i = 0; i < n; i++) {
        long t = times[i];
        if (t >= stopAt) {
          break;
        }
        String ip;
        if (!working) {
          ip = p.homeIp();
        } else if (i < 3) {
          ip = i == 0 ? p.homeIp() : i == 1 ? p.officeIp() : p.vpnIp();
        } else {
          int r = rng.nextInt(100);
          ip = r < 45 ? p.homeIp() : r < 85 ? p.officeIp() : p.vpnIp();
        }
        int r = rng.nextInt(100);
        boolean hasAws = p.awsAccess() != Person.AwsAccess.NONE;
        if (i == 0 || (i > 2 && r < 30) || (i == 2 && !hasAws)) {
          oktaNormal(rng, p, t, ip, i == 0, out);
        } else if (i == 1 || (i > 2 && r < 65) || !hasAws) {
          gitHubNormal(rng, p, t, ip, quiet, out);
        } else {
          awsNormal(rng, p, t, ip, quiet, out);
        }
      }
    }
  }

  private void add(List<GeneratedEvent> out, long t, Source s, String region, ObjectNode e) {
    out.add(new GeneratedEvent(t, seq++, s, region, render(e)));
  }

  private void oktaNormal(
      SplittableRandom rng, Person p, long t, String ip, boolean first, List<GeneratedEvent> out) {
    int r = first ? 0 : rng.nextInt(100);
    ObjectNode e;
    if (r < 35) {
      boolean failed = !first && rng.nextInt(100) < 7;
      e =
          OktaEvents.event(
              rng,
              t,
              failed ? OktaEvents.SESSION_START_FAILED : OktaEvents.SESSION_START,
              Entity.user(p),
              ip,
              p.browserAgent(),
              !failed,
              failed ? "INVALID_CREDENTIALS" : null,
              null,
              null);
    } else if (r < 75) {
      Entity app =
          p.awsAccess() == Person.AwsAccess.SSO_ONLY && rng.nextInt(3) == 0
              ? OktaEvents.appNamed("AWS IAM Identity Center")
              : OktaEvents.app(rng.nextInt(5));
      e =
          OktaEvents.event(
              rng,
              t,
              OktaEvents.SSO,
              Entity.user(p),
              ip,
              p.browserAgent(),
              true,
              null,
              List.of(app),
              null);
    } else if (r < 90) {
      e =
          OktaEvents.event(
              rng, t, OktaEvents.MFA, Entity.user(p), ip, p.browserAgent(), true, null, null, null);
    } else {
      e =
          OktaEvents.event(
              rng,
              t,
              OktaEvents.SESSION_END,
              Entity.user(p),
              ip,
              p.browserAgent(),
              true,
              null,
              null,
              null);
    }
    add(out, t, Source.OKTA, null, e);
  }

  private void gitHubNormal(
      SplittableRandom rng, Person p, long t, String ip, boolean quiet, List<GeneratedEvent> out) {
    int r = rng.nextInt(100);
    String repo = GitHubEvents.REPOS[rng.nextInt(GitHubEvents.REPOS.length)];
    ObjectNode e;
    if (r < 58) {
      String action = r < 22 ? "git.clone" : r < 40 ? "git.fetch" : "git.push";
      e = GitHubEvents.byPerson(rng, t, action, p, ip, GIT_UA);
      GitHubEvents.repo(e, repo);
      GitHubEvents.gitTransport(e);
    } else if (r < 79) {
      String action =
          r < 66
              ? "pull_request.create"
              : r < 71 ? "pull_request.merge" : "pull_request_review.submit";
      e = GitHubEvents.byPerson(rng, t, action, p, ip, p.browserAgent());
      GitHubEvents.repo(e, repo);
      e.put("pull_request_id", 2_000_000_000L + rng.nextInt(100_000_000));
    } else if (r < 84) {
      e = GitHubEvents.byPerson(rng, t, "repo.download_zip", p, ip, p.browserAgent());
      GitHubEvents.repo(e, repo);
    } else if (r < 97 && p.patHash() != null) {
      e = GitHubEvents.byPerson(rng, t, "api.request", p, ip, API_UA);
      GitHubEvents.pat(e, p, "/repos/{owner}/{repo}/pulls", "GET");
      GitHubEvents.repo(e, repo);
    } else if (r >= 97 && !quiet && rng.nextInt(10) == 0) {
      e =
          GitHubEvents.byPerson(
              rng, t, "personal_access_token.request_created", p, ip, p.browserAgent());
      GitHubEvents.user(e, p);
      e.put("token_id", 60_000_000L + rng.nextInt(9_000_000));
      e.put("programmatic_access_type", "Fine-grained personal access token");
    } else if (r >= 97 && !quiet && p.role().equals("sre") && rng.nextInt(5) == 0) {
      e = GitHubEvents.byPerson(rng, t, "org.update_actions_secret", p, ip, p.browserAgent());
      e.put("secret_name", "STAGING_DEPLOY_KEY");
    } else {
      e = GitHubEvents.byPerson(rng, t, "git.fetch", p, ip, GIT_UA);
      GitHubEvents.repo(e, repo);
      GitHubEvents.gitTransport(e);
    }
    add(out, t, Source.GITHUB, null, e);
  }

  private static final String[][] READS = {
    {"ec2.amazonaws.com", "DescribeInstances", "ec2.describe-instances"},
    {"s3.amazonaws.com", "ListBuckets", "s3.ls"},
    {"logs.amazonaws.com", "DescribeLogGroups", "logs.describe-log-groups"},
    {"lambda.amazonaws.com", "ListFunctions20150331", "lambda.list-functions"},
    {"monitoring.amazonaws.com", "GetMetricData", "cloudwatch.get-metric-data"},
    {"sts.amazonaws.com", "GetCallerIdentity", "sts.get-caller-identity"},
    {"ecs.amazonaws.com", "ListClusters", "ecs.list-clusters"},
    {"iam.amazonaws.com", "GetUser", "iam.get-user"}
  };
  private static final String[] TABLES = {"customers", "orders", "sessions", "feature-store"};
  private static final String[] TABLE_OPS = {"GetItem", "Query", "BatchGetItem", "PutItem"};

  private void awsNormal(
      SplittableRandom rng, Person p, long t, String ip, boolean quiet, List<GeneratedEvent> out) {
    int r = rng.nextInt(100);
    boolean iam = p.hasIamUser();
    boolean console = iam && rng.nextInt(100) < 60;
    if (r < 8 && iam) {
      add(
          out,
          t,
          Source.CLOUDTRAIL,
          REGION,
          CloudTrailEvents.consoleLogin(
              rng, t, CloudTrailEvents.iamUser(p, null), ip, p.browserAgent(), true));
      return;
    }
    ObjectNode who =
        !iam
            ? CloudTrailEvents.ssoSession(rng, p.email(), t - rng.nextInt(3600) * SECOND)
            : console
                ? CloudTrailEvents.iamConsoleUser(rng, p, t - rng.nextInt(3600) * SECOND)
                : CloudTrailEvents.iamUser(p, p.accessKeyIds().get(0));
    int dynamoShare = p.role().equals("data-engineer") ? 70 : 35;
    if (r < 95 - dynamoShare - 12) {
      String[] call = READS[rng.nextInt(iam ? READS.length : READS.length - 1)];
      boolean regional =
          !call[0].startsWith("s3") && !call[0].startsWith("iam") && !call[0].startsWith("sts");
      String region = regional && rng.nextInt(100) < 15 ? SECOND_REGION : REGION;
      String ua =
          console ? CloudTrailEvents.CONSOLE_UA : String.format(CloudTrailEvents.CLI_UA, call[2]);
      ObjectNode req = null;
      if (call[1].equals("DescribeInstances")) {
        req = describeRequest();
      } else if (call[1].equals("ListBuckets")) {
        req = CloudTrailEvents.obj();
        req.put("Host", "s3.amazonaws.com");
      }
      add(
          out,
          t,
          Source.CLOUDTRAIL,
          region,
          CloudTrailEvents.apiCall(
              rng, t, who, call[0], call[1], region, ip, ua, req, null, null, null, true));
    } else if (r < 95 - dynamoShare) {
      add(
          out,
          t,
          Source.CLOUDTRAIL,
          REGION,
          CloudTrailEvents.s3GetObject(
              rng,
              t,
              who,
              "acme-reports",
              "daily/" + date(t) + "/summary-" + rng.nextInt(40) + ".csv",
              ip,
              String.format(CloudTrailEvents.CLI_UA, "s3.cp")));
    } else if (r < 95) {
      String table = TABLES[rng.nextInt(TABLES.length)];
      String region = table.equals("feature-store") ? SECOND_REGION : REGION;
      String op = TABLE_OPS[rng.nextInt(100) < 90 ? rng.nextInt(3) : 3];
      add(
          out,
          t,
          Source.DYNAMODB,
          region,
          CloudTrailEvents.dynamoDb(
              rng,
              t,
              who,
              op,
              table,
              region,
              ip,
              String.format(CloudTrailEvents.CLI_UA, "dynamodb." + op.toLowerCase())));
    } else if (!quiet && p.role().equals("sre")) {
      String ua = String.format(CloudTrailEvents.CLI_UA, "route53.change-resource-record-sets");
      add(
          out,
          t,
          Source.CLOUDTRAIL,
          REGION,
          rng.nextBoolean() ? route53Change(rng, t, who, ip, ua) : ssmPut(rng, t, who, ip, ua));
    } else {
      add(
          out,
          t,
          Source.CLOUDTRAIL,
          REGION,
          CloudTrailEvents.apiCall(
              rng,
              t,
              who,
              "ec2.amazonaws.com",
              "DescribeInstances",
              REGION,
              ip,
              CloudTrailEvents.CONSOLE_UA,
              describeRequest(),
              null,
              null,
              null,
              true));
    }
  }

  /** The same identity listing S3 buckets one to five minutes after {@code t}. */
  private static ObjectNode describeRequest() {
    ObjectNode req = CloudTrailEvents.obj();
    req.putObject("instancesSet");
    req.putObject("filterSet");
    return req;
  }

  private static ObjectNode route53Change(
      SplittableRandom rng, long t, ObjectNode who, String ip, String ua) {
    ObjectNode req = CloudTrailEvents.obj();
    req.put("hostedZoneId", "Z0815347ACMECORP");
    ObjectNode change = req.putObject("changeBatch").putArray("changes").addObject();
    change.put("action", "UPSERT");
    ObjectNode rrs = change.putObject("resourceRecordSet");
    rrs.put("name", "api.acme-corp.example.");
    rrs.put("type", "A");
    rrs.put("tTL", 300);
    rrs.putArray("resourceRecords").addObject().put("value", "52.1.1." + (1 + rng.nextInt(250)));
    ObjectNode resp = CloudTrailEvents.obj();
    ObjectNode info = resp.putObject("changeInfo");
    info.put("id", "/change/C" + Ids.upperAlnum(rng, 20));
    info.put("status", "PENDING");
    info.put("submittedAt", CloudTrailEvents.createDate(t));
    return CloudTrailEvents.apiCall(
        rng,
        t,
        who.deepCopy(),
        "route53.amazonaws.com",
        "ChangeResourceRecordSets",
        REGION,
        ip,
        ua,
        req,
        resp,
        null,
        null,
        false);
  }

  private static ObjectNode ssmPut(
      SplittableRandom rng, long t, ObjectNode who, String ip, String ua) {
    ObjectNode req = CloudTrailEvents.obj();
    req.put("name", "/prod/payments/feature-flags");
    req.put("type", "String");
    req.put("overwrite", true);
    ObjectNode resp = CloudTrailEvents.obj();
    resp.put("version", 2 + rng.nextInt(40));
    resp.put("tier", "Standard");
    return CloudTrailEvents.apiCall(
        rng,
        t,
        who.deepCopy(),
        "ssm.amazonaws.com",
        "PutParameter",
        REGION,
        ip,
        ua,
        req,
        resp,
        null,
        null,
        false);
  }

  // ---------------------------------------------------------------- output

  private void writeDay(long dayStart, List<GeneratedEvent> events, SplittableRandom fileRng)
      throws IOException {
    String date = date(dayStart);
    Path out = cfg.out();
    String okta = "okta/system-log-" + date + ".ndjson";
    String github = "github/audit-log-" + date + ".ndjson";
    long oktaCount = 0;
    long gitHubCount = 0;
    @SuppressWarnings("unchecked")
    List<String>[][] trail = new List[REGIONS.length][24];
    try (Writer ow = writer(out.resolve(okta));
        Writer gw = writer(out.resolve(github))) {
      for (GeneratedEvent e : events) {
        eventsBySource.merge(e.source(), 1L, Long::sum);
        switch (e.source()) {
          case OKTA -> {
            ow.write(e.json());
            ow.write('\n');
            oktaCount++;
          }
          case GITHUB -> {
            gw.write(e.json());
            gw.write('\n');
            gitHubCount++;
          }
          default -> {
            int region = e.region().equals(REGION) ? 0 : 1;
            int hour = (int) ((e.epochMs() - dayStart) / HOUR);
            if (trail[region][hour] == null) {
              trail[region][hour] = new ArrayList<>();
            }
            trail[region][hour].add(e.json());
          }
        }
      }
    }
    files.put(okta, oktaCount);
    files.put(github, gitHubCount);
    LocalDate d = LocalDate.parse(date);
    for (int region = 0; region < REGIONS.length; region++) {
      for (int hour = 0; hour < 24; hour++) {
        List<String> records = trail[region][hour];
        if (records == null) {
          continue;
        }
        String r = REGIONS[region];
        for (int chunk = 0; chunk * RECORDS_PER_FILE < records.size(); chunk++) {
          List<String> part =
              records.subList(
                  chunk * RECORDS_PER_FILE,
                  Math.min(records.size(), (chunk + 1) * RECORDS_PER_FILE));
          String stamp =
              date.replace("-", "") + String.format("T%02d%02dZ", hour, Math.min(55, 5 * chunk));
          String rel =
              String.format(
                  "cloudtrail/AWSLogs/%s/CloudTrail/%s/%04d/%02d/%02d/%s_CloudTrail_%s_%s_%s.json.gz",
                  ACCOUNT_ID,
                  r,
                  d.getYear(),
                  d.getMonthValue(),
                  d.getDayOfMonth(),
                  ACCOUNT_ID,
                  r,
                  stamp,
                  Ids.alnum(fileRng, 16));
          writeLogFile(out.resolve(rel), part);
          files.put(rel, (long) part.size());
        }
      }
    }
  }

  /** One CloudTrail S3 log file: {@code {"Records":[...]}}, gzip-compressed. */
  private static void writeLogFile(Path file, List<String> records) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream fos = Files.newOutputStream(file);
        GZIPOutputStream gz = new GZIPOutputStream(fos, 1 << 16);
        Writer w =
            new BufferedWriter(new OutputStreamWriter(gz, StandardCharsets.UTF_8), 1 << 16)) {
      w.write("{\"Records\":[");
      for (int i = 0; i < records.size(); i++) {
        if (i > 0) {
          w.write(',');
        }
        w.write(records.get(i));
      }
      w.write("]}");
    }
  }

  private long writeSnapshot(Writer w, long at) throws IOException {
    String observed = Instant.ofEpochMilli(at).toString();
    long lines = 0;
    StringBuilder sb = new StringBuilder(128);
    for (List<Grant> list : grants) {
      for (Grant g : list) {
        if (g.from <= at && at < g.until) {
          sb.setLength(0);
          sb.append("{\"identity\":\"")
              .append(g.identity)
              .append("\",\"system\":\"")
              .append(g.system)
              .append("\",\"grant\":\"")
              .append(g.grant)
              .append("\",\"observed_at\":\"")
              .append(observed)
              .append("\"}\n");
          w.write(sb.toString());
          lines++;
        }
      }
    }
    return lines;
  }

  private void writeDepartures(Path file) throws IOException {
    List<Leaver> sorted = new ArrayList<>(leavers);
    sorted.sort(
        Comparator.comparingLong(Leaver::departedAt).thenComparing(l -> l.person().personId()));
    try (Writer w = writer(file)) {
      w.write("person_id,email,role,notice_at,departed_at,status\n");
      for (Leaver l : sorted) {
        Person p = l.person();
        w.write(
            String.join(
                ",",
                p.personId(),
                p.email(),
                p.role(),
                l.noticeAt() == null ? "" : Instant.ofEpochMilli(l.noticeAt()).toString(),
                Instant.ofEpochMilli(l.departedAt()).toString(),
                l.rescinded() ? "RESCINDED" : "DEPARTED"));
        w.write('\n');
      }
    }
    files.put("departures.csv", (long) sorted.size());
  }

  private void writeIdentities(Path file) throws IOException {
    long rows = 0;
    try (Writer w = writer(file)) {
      w.write("person_id,system,identity\n");
      for (Person p : people) {
        w.write(p.personId() + ",okta," + p.oktaId() + "\n");
        w.write(p.personId() + ",email," + p.email() + "\n");
        rows += 2;
        if (p.githubDeclared()) {
          w.write(p.personId() + ",github," + p.githubLogin() + "\n");
          rows++;
        }
        if (p.hasIamUser()) {
          w.write(p.personId() + ",aws," + p.iamUserName() + "\n");
          rows++;
        }
      }
    }
    files.put("identities.csv", rows);
  }

  private void writeGroundTruth(Path file) throws IOException {
    truth.sort(
        Comparator.comparing(ExpectedFinding::personId)
            .thenComparing(ExpectedFinding::type)
            .thenComparing(f -> f.source() == null ? "" : f.source()));
    ObjectMapper mapper = new ObjectMapper();
    try (Writer w = writer(file)) {
      for (ExpectedFinding f : truth) {
        ObjectNode o = mapper.createObjectNode();
        o.put("type", f.type());
        o.put("person_id", f.personId());
        o.put("source", f.source());
        o.put("incident", f.incident());
        w.write(mapper.writeValueAsString(o));
        w.write('\n');
      }
    }
    files.put("ground-truth.ndjson", (long) truth.size());
  }

  private void writeManifest(Path file, Map<String, Long> bySource) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generator", "leaverwatch generate");
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("people", cfg.people());
    params.put("days", cfg.days());
    params.put("departures", cfg.departures());
    params.put("seed", cfg.seed());
    params.put("start", cfg.start().toString());
    params.put("end", cfg.end().toString());
    params.put("events_per_day", cfg.eventsPerDay());
    params.put("domain", cfg.domain());
    m.put("parameters", params);
    Map<String, Object> org = new LinkedHashMap<>();
    org.put("aws_account", ACCOUNT_ID);
    org.put("aws_regions", List.of(REGIONS));
    org.put("github_org", GitHubEvents.ORG);
    org.put("okta_automation", OktaEvents.AUTOMATION_LOGIN);
    org.put("github_automation", GitHubEvents.AUTOMATION_LOGIN);
    org.put("aws_automation", CloudTrailEvents.AUTOMATION_ROLE_ARN);
    org.put("sso_role", CloudTrailEvents.SSO_ROLE);
    m.put("organisation", org);
    m.put("events", bySource);
    m.put("incidents", incidentPeople);
    m.put("skipped_incidents", skipped);
    m.put("files", files);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), m);
  }

  private static Writer writer(Path file) throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  private static String date(long epochMs) {
    return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate().toString();
  }
}
