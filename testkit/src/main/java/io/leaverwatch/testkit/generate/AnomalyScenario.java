package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * An organisation for evaluating ANOMALOUS_ACTIVITY: steady but varied people (heavy and light
 * users, on-call nights, a new project now and then, a week of holiday), some of whom leave; two
 * thirds of the leavers get one pre-departure pattern injected on one day of their last weeks, the
 * rest behave as usual to the end. Written in the native formats ({@code okta/}, {@code github/},
 * {@code cloudtrail/}) with {@code departures.csv}, {@code identities.csv}, {@code roles.csv}; the
 * injections are returned, not written, so the detector cannot read them. Same arguments, same
 * files.
 */
public final class AnomalyScenario {
  /** The injected pre-departure patterns. */
  public enum Pattern {
    MASS_CLONE,
    ARCHIVE_DOWNLOADS,
    TABLE_SCAN_BURST,
    BULK_S3_READS,
    SECRET_READS,
    OFF_HOURS_SPIKE,
    FIRST_ACCESS_TO_MANY_REPOS;

    boolean needsAws() {
      return this == TABLE_SCAN_BURST || this == BULK_S3_READS || this == SECRET_READS;
    }
  }

  /** One injected pattern: whose, which day (ISO date, UTC) and what. */
  public record Injection(String personId, String day, Pattern pattern) {}

  /** What was generated. */
  public record Result(
      Path dir,
      List<Injection> injections,
      List<String> usualLeavers,
      Map<String, String> roles,
      int people,
      int leavers,
      long events) {}

  static final Instant START = Instant.parse("2026-08-03T00:00:00Z");
  private static final long SECOND = 1000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final String REGION = "us-east-1";
  private static final String GIT_UA = "git/2.46.0";
  private static final int TEAM_SIZE = 8;
  private static final int REPOS_PER_TEAM = 6;

  private final int peopleCount;
  private final int days;
  private final long seed;
  private final Path out;
  private final ObjectWriter json = new ObjectMapper().writer();

  private List<Person> people;
  private Persona[] personas;
  private final Map<Integer, LeaverPlan> leavers = new LinkedHashMap<>();
  private long events;

  private AnomalyScenario(int people, int days, long seed, Path out) {
    if (people < 40 || people > 200_000) {
      throw new IllegalArgumentException("--people must be between 40 and 200000, got " + people);
    }
    if (days < 45 || days > 366) {
      throw new IllegalArgumentException(
          "--days must be between 45 and 366 (30 scored days after two weeks of history), got "
              + days);
    }
    this.peopleCount = people;
    this.days = days;
    this.seed = seed;
    this.out = out;
  }

  public static Result generate(int people, int days, long seed, Path out) throws IOException {
    return new AnomalyScenario(people, days, seed, out).run();
  }

  /** A person's steady habits. */
  private record Persona(
      double volume,
      int startHour,
      boolean onCall,
      int onCallWeekOffset,
      int holidayStart,
      int newProjectDay,
      int team) {}

  /** A leaver: when they leave and what (if anything) they do on which day. */
  private record LeaverPlan(
      long noticeAt, long departedAt, Pattern pattern, long injectionDay, boolean rescinded) {}

  private Result run() throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    people = Organisation.build(peopleCount, "corp.example.com", rng.split());
    personas = new Persona[people.size()];
    SplittableRandom prng = rng.split();
    int teams = Math.max(1, people.size() / TEAM_SIZE);
    for (Person p : people) {
      double volume = prng.nextInt(100) < 20 ? 2 + prng.nextDouble() * 2 : 0.6 + prng.nextDouble();
      boolean onCall =
          (p.role().equals("sre") || p.role().equals("software-engineer"))
              && prng.nextInt(100) < 25;
      personas[p.index()] =
          new Persona(
              volume,
              7 + prng.nextInt(4),
              onCall,
              prng.nextInt(4),
              prng.nextInt(100) < 60 ? 3 + prng.nextInt(Math.max(1, days - 10)) : -100,
              prng.nextInt(100) < 30 ? 10 + prng.nextInt(Math.max(1, days - 12)) : -100,
              prng.nextInt(teams));
    }
    pickLeavers(rng.split());
    Files.createDirectories(out);
    SplittableRandom erng = rng.split();
    for (int d = 0; d < days; d++) {
      long dayStart = START.toEpochMilli() + d * DAY;
      List<String[]> okta = new ArrayList<>();
      List<String[]> github = new ArrayList<>();
      List<String[]> trail = new ArrayList<>();
      List<Ev> day = new ArrayList<>();
      for (Person p : people) {
        personDay(p, d, dayStart, erng, day);
      }
      day.sort(Comparator.comparingLong(Ev::t).thenComparingLong(Ev::seq));
      for (Ev e : day) {
        String[] line = {e.json};
        switch (e.kind) {
          case 'o' -> okta.add(line);
          case 'g' -> github.add(line);
          default -> trail.add(line);
        }
      }
      events += day.size();
      String date = LocalDate.ofEpochDay(Math.floorDiv(dayStart, DAY)).toString();
      writeLines(out.resolve("okta/system-log-" + date + ".ndjson"), okta);
      writeLines(out.resolve("github/audit-log-" + date + ".ndjson"), github);
      writeTrail(out.resolve("cloudtrail/" + date + "_CloudTrail.json.gz"), trail);
    }
    return finish();
  }

  private void pickLeavers(SplittableRandom rng) {
    int count = Math.max(21, people.size() / 8);
    List<Integer> candidates = new ArrayList<>();
    for (Person p : people) {
      if (!p.admin()) {
        candidates.add(p.index());
      }
    }
    for (int i = candidates.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = candidates.get(i);
      candidates.set(i, candidates.get(j));
      candidates.set(j, tmp);
    }
    Pattern[] patterns = Pattern.values();
    int injected = 0;
    for (int n = 0; n < Math.min(count, candidates.size()); n++) {
      Person p = people.get(candidates.get(n));
      // departures in the last three weeks, so the scored window has weeks of history before it
      long departedDay = days - 1 - rng.nextInt(Math.min(21, days - 40));
      long departedAt = START.toEpochMilli() + departedDay * DAY + 17 * HOUR;
      long noticeAt = departedAt - (14 + rng.nextInt(15)) * DAY;
      Pattern pattern = null;
      long injectionDay = -1;
      if (n % 3 != 2) {
        pattern = patterns[injected % patterns.length];
        if (pattern.needsAws() && p.awsAccess() == Person.AwsAccess.NONE) {
          pattern = Pattern.MASS_CLONE;
        }
        injected++;
        // a working day in the last 20 days before departure (the departure day is a half day)
        do {
          injectionDay = departedDay - 1 - rng.nextInt(20);
        } while (!working(injectionDay));
      }
      leavers.put(p.index(), new LeaverPlan(noticeAt, departedAt, pattern, injectionDay, false));
    }
  }

  private static boolean working(long day) {
    DayOfWeek dow =
        Instant.ofEpochMilli(START.toEpochMilli() + day * DAY)
            .atZone(ZoneOffset.UTC)
            .getDayOfWeek();
    return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY;
  }

  private record Ev(long t, long seq, char kind, String json) {}

  private long seq;

  private void add(List<Ev> out, long t, char kind, ObjectNode e) {
    try {
      out.add(new Ev(t, seq++, kind, json.writeValueAsString(e)));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private void personDay(Person p, int d, long dayStart, SplittableRandom rng, List<Ev> out) {
    Persona persona = personas[p.index()];
    LeaverPlan plan = leavers.get(p.index());
    long stopAt = plan == null ? Long.MAX_VALUE : plan.departedAt() - MINUTE;
    if (stopAt <= dayStart) {
      return;
    }
    boolean workday = working(d);
    boolean holiday = d >= persona.holidayStart() && d < persona.holidayStart() + 7;
    int n;
    if (holiday) {
      n = 0;
    } else if (workday) {
      n = (int) Math.round(persona.volume() * (5 + rng.nextInt(7)));
    } else {
      n = rng.nextInt(100) < 8 ? 1 + rng.nextInt(3) : 0;
    }
    for (int i = 0; i < n; i++) {
      long t = dayStart + persona.startHour() * HOUR + rng.nextLong(9 * HOUR);
      if (t < stopAt) {
        normalEvent(p, persona, d, t, i, rng, out);
      }
    }
    // on-call: every fourth week, a few night checks from home, as steady as the rest
    if (persona.onCall() && !holiday && ((d / 7) + persona.onCallWeekOffset()) % 4 == 0) {
      int nights = rng.nextInt(100) < 40 ? 1 + rng.nextInt(3) : 0;
      for (int i = 0; i < nights; i++) {
        long t = dayStart + rng.nextLong(5 * HOUR);
        if (t < stopAt) {
          normalEvent(p, persona, d, t, 3, rng, out);
        }
      }
    }
    if (plan != null && plan.injectionDay() == d) {
      inject(p, persona, plan.pattern(), dayStart, Math.min(stopAt, dayStart + DAY), rng, out);
    }
  }

  private String teamRepo(Persona persona, int d, SplittableRandom rng) {
    int k = rng.nextInt(REPOS_PER_TEAM);
    // a new project: from that day on, one of the team's repositories is a new one
    if (persona.newProjectDay() >= 0 && d >= persona.newProjectDay() && k == 0) {
      return "team" + persona.team() + "-project-" + persona.newProjectDay();
    }
    if (rng.nextInt(100) < 6) {
      return GitHubEvents.REPOS[rng.nextInt(GitHubEvents.REPOS.length)];
    }
    return "team" + persona.team() + "-svc-" + k;
  }

  private String ipOf(Person p, long t, int i, SplittableRandom rng) {
    if (i == 0) {
      return p.homeIp();
    }
    int r = rng.nextInt(100);
    return r < 45 ? p.homeIp() : r < 85 ? p.officeIp() : p.vpnIp();
  }

  private ObjectNode who(Person p, long t, SplittableRandom rng) {
    return p.hasIamUser()
        ? CloudTrailEvents.iamUser(p, p.accessKeyIds().get(0))
        : CloudTrailEvents.ssoSession(rng, p.email(), t - rng.nextInt(3600) * SECOND);
  }

  private void normalEvent(
      Person p, Persona persona, int d, long t, int i, SplittableRandom rng, List<Ev> out) {
    String ip = ipOf(p, t, i, rng);
    boolean aws = p.awsAccess() != Person.AwsAccess.NONE;
    int gitShare;
    int awsShare;
    switch (p.role()) {
      case "sre" -> {
        gitShare = 35;
        awsShare = 45;
      }
      case "data-engineer" -> {
        gitShare = 25;
        awsShare = 55;
      }
      case "analyst" -> {
        gitShare = 10;
        awsShare = 45;
      }
      case "contractor" -> {
        gitShare = 50;
        awsShare = 20;
      }
      default -> {
        gitShare = 60;
        awsShare = 20;
      }
    }
    if (!aws) {
      awsShare = 0;
    }
    int r = rng.nextInt(100);
    if (i == 0 || r >= gitShare + awsShare) {
      int k = rng.nextInt(100);
      OktaEvents.Kind kind =
          i == 0 || k < 30
              ? (rng.nextInt(100) < 3 ? OktaEvents.SESSION_START_FAILED : OktaEvents.SESSION_START)
              : k < 80 ? OktaEvents.SSO : OktaEvents.MFA;
      boolean ok = kind != OktaEvents.SESSION_START_FAILED;
      add(
          out,
          t,
          'o',
          OktaEvents.event(
              rng,
              t,
              kind,
              Entity.user(p),
              ip,
              p.browserAgent(),
              ok,
              ok ? null : "INVALID_CREDENTIALS",
              kind == OktaEvents.SSO ? List.of(OktaEvents.app(rng.nextInt(5))) : null,
              null));
    } else if (r < gitShare) {
      int k = rng.nextInt(100);
      String action =
          k < 12
              ? "git.clone"
              : k < 50 ? "git.fetch" : k < 75 ? "git.push" : k < 97 ? "pull_request.create" : null;
      ObjectNode e;
      if (action == null) {
        e = GitHubEvents.byPerson(rng, t, "repo.download_zip", p, ip, p.browserAgent());
      } else {
        e =
            GitHubEvents.byPerson(
                rng, t, action, p, ip, action.startsWith("git.") ? GIT_UA : p.browserAgent());
        if (action.startsWith("git.")) {
          GitHubEvents.gitTransport(e);
        }
      }
      GitHubEvents.repo(e, teamRepo(persona, d, rng));
      add(out, t, 'g', e);
    } else {
      ObjectNode who = who(p, t, rng);
      int k = rng.nextInt(100);
      String cli = String.format(CloudTrailEvents.CLI_UA, "aws");
      if (p.role().equals("data-engineer") && k < 50) {
        String table =
            "team" + persona.team() + "-" + (rng.nextInt(3) == 0 ? "events" : "features");
        String op = k < 2 ? "Scan" : k < 30 ? "Query" : k < 42 ? "GetItem" : "BatchGetItem";
        add(out, t, 'c', CloudTrailEvents.dynamoDb(rng, t, who, op, table, REGION, ip, cli));
      } else if ((p.role().equals("data-engineer") || p.role().equals("analyst")) && k < 80) {
        add(
            out,
            t,
            'c',
            CloudTrailEvents.s3GetObject(
                rng,
                t,
                who,
                "acme-reports",
                "team" + persona.team() + "/summary-" + rng.nextInt(40) + ".csv",
                ip,
                cli));
      } else if (p.role().equals("sre") && k < 15) {
        ObjectNode req = CloudTrailEvents.obj();
        req.put("name", "/team" + persona.team() + "/deploy/config");
        add(
            out,
            t,
            'c',
            CloudTrailEvents.apiCall(
                rng,
                t,
                who,
                "ssm.amazonaws.com",
                "GetParameter",
                REGION,
                ip,
                cli,
                req,
                null,
                null,
                null,
                true));
      } else {
        String[] call =
            k % 2 == 0
                ? new String[] {"ec2.amazonaws.com", "DescribeInstances"}
                : new String[] {"logs.amazonaws.com", "DescribeLogGroups"};
        add(
            out,
            t,
            'c',
            CloudTrailEvents.apiCall(
                rng, t, who, call[0], call[1], REGION, ip, cli, null, null, null, null, true));
      }
    }
  }

  private void inject(
      Person p,
      Persona persona,
      Pattern pattern,
      long dayStart,
      long end,
      SplittableRandom rng,
      List<Ev> out) {
    long from = dayStart + (persona.startHour() + 2) * HOUR;
    String ip = p.homeIp();
    String cli = String.format(CloudTrailEvents.CLI_UA, "aws");
    switch (pattern) {
      case MASS_CLONE -> {
        int n = 30 + rng.nextInt(31);
        for (int i = 0; i < n; i++) {
          long t = Math.min(end - 1, from + rng.nextLong(2 * HOUR));
          ObjectNode e = GitHubEvents.byPerson(rng, t, "git.clone", p, ip, GIT_UA);
          GitHubEvents.gitTransport(e);
          GitHubEvents.repo(e, otherRepo(i, rng));
          add(out, t, 'g', e);
        }
      }
      case ARCHIVE_DOWNLOADS -> {
        int n = 15 + rng.nextInt(26);
        for (int i = 0; i < n; i++) {
          long t = Math.min(end - 1, from + rng.nextLong(2 * HOUR));
          ObjectNode e =
              GitHubEvents.byPerson(rng, t, "repo.download_zip", p, ip, p.browserAgent());
          GitHubEvents.repo(e, i % 2 == 0 ? teamRepo(persona, 0, rng) : otherRepo(i, rng));
          add(out, t, 'g', e);
        }
      }
      case TABLE_SCAN_BURST -> {
        int n = 30 + rng.nextInt(51);
        for (int i = 0; i < n; i++) {
          long t = Math.min(end - 1, from + rng.nextLong(HOUR));
          add(
              out,
              t,
              'c',
              CloudTrailEvents.dynamoDb(
                  rng, t, who(p, t, rng), "Scan", "customers", REGION, ip, cli));
        }
      }
      case BULK_S3_READS -> {
        int n = 150 + rng.nextInt(251);
        for (int i = 0; i < n; i++) {
          long t = Math.min(end - 1, from + rng.nextLong(2 * HOUR));
          add(
              out,
              t,
              'c',
              CloudTrailEvents.s3GetObject(
                  rng,
                  t,
                  who(p, t, rng),
                  "acme-finance-exports",
                  "ledger/part-" + i + ".parquet",
                  ip,
                  cli));
        }
      }
      case SECRET_READS -> {
        int n = 15 + rng.nextInt(26);
        for (int i = 0; i < n; i++) {
          long t = Math.min(end - 1, from + rng.nextLong(HOUR));
          ObjectNode req = CloudTrailEvents.obj();
          req.put("secretId", "prod/service-" + i + "/credentials");
          add(
              out,
              t,
              'c',
              CloudTrailEvents.apiCall(
                  rng,
                  t,
                  who(p, t, rng),
                  "secretsmanager.amazonaws.com",
                  "GetSecretValue",
                  REGION,
                  ip,
                  cli,
                  req,
                  null,
                  null,
                  null,
                  true));
        }
      }
      case OFF_HOURS_SPIKE -> {
        int n = 20 + rng.nextInt(21);
        for (int i = 0; i < n; i++) {
          long t = dayStart + HOUR + rng.nextLong(3 * HOUR);
          if (t < end) {
            normalEvent(p, persona, 0, t, 1, rng, out);
          }
        }
      }
      case FIRST_ACCESS_TO_MANY_REPOS -> {
        int n = 12 + rng.nextInt(9);
        for (int i = 0; i < n; i++) {
          long t = Math.min(end - 1, from + rng.nextLong(4 * HOUR));
          ObjectNode e = GitHubEvents.byPerson(rng, t, "git.fetch", p, ip, GIT_UA);
          GitHubEvents.gitTransport(e);
          GitHubEvents.repo(e, otherRepo(i, rng));
          add(out, t, 'g', e);
        }
      }
    }
  }

  /** A repository of another team (distinct per {@code i}). */
  private String otherRepo(int i, SplittableRandom rng) {
    int teams = Math.max(1, people.size() / TEAM_SIZE);
    return "team" + ((i * 7 + rng.nextInt(teams)) % teams) + "-svc-" + (i % REPOS_PER_TEAM);
  }

  private Result finish() throws IOException {
    List<Injection> injections = new ArrayList<>();
    List<String> usual = new ArrayList<>();
    try (Writer w = Files.newBufferedWriter(out.resolve("departures.csv"))) {
      w.write("person_id,email,role,notice_at,departed_at,status\n");
      for (Map.Entry<Integer, LeaverPlan> e : leavers.entrySet()) {
        Person p = people.get(e.getKey());
        LeaverPlan l = e.getValue();
        w.write(
            String.join(
                    ",",
                    p.personId(),
                    p.email(),
                    p.role(),
                    Instant.ofEpochMilli(l.noticeAt()).toString(),
                    Instant.ofEpochMilli(l.departedAt()).toString(),
                    "DEPARTED")
                + "\n");
        if (l.pattern() != null) {
          injections.add(
              new Injection(
                  p.personId(),
                  LocalDate.ofEpochDay(Math.floorDiv(START.toEpochMilli(), DAY) + l.injectionDay())
                      .toString(),
                  l.pattern()));
        } else {
          usual.add(p.personId());
        }
      }
    }
    Map<String, String> roles = new LinkedHashMap<>();
    try (Writer w = Files.newBufferedWriter(out.resolve("identities.csv"));
        Writer r = Files.newBufferedWriter(out.resolve("roles.csv"))) {
      w.write("person_id,system,identity\n");
      r.write("person_id,role\n");
      for (Person p : people) {
        w.write(p.personId() + ",okta," + p.oktaId() + "\n");
        w.write(p.personId() + ",email," + p.email() + "\n");
        if (p.githubDeclared()) {
          w.write(p.personId() + ",github," + p.githubLogin() + "\n");
        }
        if (p.hasIamUser()) {
          w.write(p.personId() + ",aws," + p.iamUserName() + "\n");
        }
        r.write(p.personId() + "," + p.role() + "\n");
        roles.put(p.personId(), p.role());
      }
    }
    injections.sort(Comparator.comparing(Injection::personId));
    return new Result(out, injections, usual, roles, people.size(), leavers.size(), events);
  }

  private static void writeLines(Path file, List<String[]> lines) throws IOException {
    Files.createDirectories(file.getParent());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (String[] l : lines) {
        w.write(l[0]);
        w.write('\n');
      }
    }
  }

  private static void writeTrail(Path file, List<String[]> records) throws IOException {
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
        w.write(records.get(i)[0]);
      }
      w.write("]}");
    }
  }
}
