package io.leaverwatch.anomaly;

import static io.leaverwatch.anomaly.Events.at;
import static io.leaverwatch.anomaly.Events.git;
import static io.leaverwatch.anomaly.Events.login;

import io.leaverwatch.schema.AuditEvent;
import io.leaverwatch.schema.Departure;
import io.leaverwatch.schema.DepartureStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A small organisation of software engineers with ordinary days (a few clones, fetches and pushes
 * on their own repositories, signing in from their own IP), in memory, for ranking tests. One of
 * them, {@code p000}, leaves on day {@link #DEPARTURE_DAY}; {@link #massClone} gives them a mass
 * clone on {@link #CLONE_DAY}.
 */
final class SyntheticOrg {
  static final int PEOPLE = 40;
  static final int DAYS = 50;
  static final int DEPARTURE_DAY = 48;
  static final int CLONE_DAY = 43;

  final AnomalyRules rules = Events.rules();
  final Map<String, List<PersonDay>> days = new TreeMap<>();
  final Map<String, String> roles = new HashMap<>();
  final List<String> cloneIds = new ArrayList<>();

  static Departure departure() {
    return Departure.newBuilder()
        .setPersonId("p000")
        .setEmail("p000@corp.example.com")
        .setRole("software-engineer")
        .setNoticeAt(Instant.ofEpochMilli(at(DEPARTURE_DAY - 14, 9)))
        .setDepartedAt(Instant.ofEpochMilli(at(DEPARTURE_DAY, 17)))
        .setStatus(DepartureStatus.DEPARTED)
        .build();
  }

  SyntheticOrg(long seed, int cloneCount) {
    Random r = new Random(seed);
    for (int p = 0; p < PEOPLE; p++) {
      String person = String.format("p%03d", p);
      roles.put(person, "software-engineer");
      DailyFeatures f = new DailyFeatures(rules, person);
      String ip = "10.0." + p + ".1";
      for (int day = 0; day < DAYS; day++) {
        if (day % 7 >= 5) {
          continue;
        }
        int n = 4 + r.nextInt(8);
        f.add(login(person + "-" + day + "-login", at(day, 9), ip, r.nextInt(30) != 0));
        for (int i = 0; i < n; i++) {
          int k = r.nextInt(10);
          String action = k < 2 ? "git.clone" : k < 7 ? "git.fetch" : "git.push";
          f.add(
              git(
                  person + "-" + day + "-" + i,
                  at(day, 9 + r.nextInt(9)),
                  action,
                  "team" + (p % 5) + "-" + r.nextInt(4),
                  ip));
        }
        if (p == 0 && day == CLONE_DAY) {
          for (int i = 0; i < cloneCount; i++) {
            String id = "clone-" + i;
            cloneIds.add(id);
            f.add(git(id, at(day, 11), "git.clone", "other-" + i, ip));
          }
        }
      }
      days.put(person, f.closeAll());
    }
  }

  List<AuditEvent> none() {
    return List.of();
  }
}
