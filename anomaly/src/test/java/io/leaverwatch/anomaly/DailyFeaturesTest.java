package io.leaverwatch.anomaly;

import static io.leaverwatch.anomaly.Events.at;
import static io.leaverwatch.anomaly.Events.dynamo;
import static io.leaverwatch.anomaly.Events.feature;
import static io.leaverwatch.anomaly.Events.git;
import static io.leaverwatch.anomaly.Events.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.leaverwatch.schema.AuditEvent;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Per-person-day features from normalised events, as the rule file declares them. */
class DailyFeaturesTest {
  private final AnomalyRules rules = Events.rules();

  private double value(PersonDay d, String feature) {
    return d.values()[feature(rules, feature)];
  }

  @Test
  void countsVolumeBreadthAndFailuresOfOneDay() {
    DailyFeatures f = new DailyFeatures(rules, "p1");
    f.add(git("c1", at(0, 9), "git.clone", "api", "10.0.0.1"));
    f.add(git("c2", at(0, 10), "git.clone", "web", "10.0.0.1"));
    f.add(git("c3", at(0, 11), "git.clone", "web", "10.0.0.2"));
    f.add(git("p1", at(0, 12), "git.push", "web", "10.0.0.2"));
    f.add(dynamo("s1", at(0, 13), "Scan", "customers", "10.0.0.2"));
    f.add(dynamo("q1", at(0, 14), "Query", "orders", "10.0.0.2"));
    f.add(login("l1", at(0, 8), "10.0.0.1", false));

    List<PersonDay> days = f.closeAll();

    assertThat(days).hasSize(1);
    PersonDay d = days.get(0);
    assertThat(d.eventCount()).isEqualTo(7);
    assertThat(value(d, "git.clone")).isEqualTo(3);
    assertThat(value(d, "github.DATA_ACCESS")).isEqualTo(3);
    assertThat(value(d, "github.ACTIVITY")).isEqualTo(1);
    assertThat(value(d, "okta.AUTHENTICATION")).isEqualTo(1);
    assertThat(value(d, "dynamodb.Scan")).isEqualTo(1);
    assertThat(value(d, "dynamodb reads")).isEqualTo(1);
    assertThat(value(d, "distinct repositories")).isEqualTo(2);
    // the table name is the key, not the whole ARN
    assertThat(value(d, "distinct tables")).isEqualTo(2);
    assertThat(value(d, "distinct source IPs")).isEqualTo(2);
    // one failure in seven events, over the floor of ten events
    assertThat(value(d, "failure share")).isEqualTo(0.1);
    assertThat(d.evidence().get(feature(rules, "git.clone"))).containsExactly("c1", "c2", "c3");
    assertThat(d.evidence().get(feature(rules, "failure share"))).containsExactly("l1");
    assertThat(d.hasOwnHistory()).isFalse();
  }

  @Test
  void newResourcesNewIpsAndOffHoursAreMeasuredAgainstThePersonsOwnHistory() {
    DailyFeatures f = new DailyFeatures(rules, "p1");
    for (int day = 0; day < rules.minOwnDays(); day++) {
      for (int h = 9; h < 19; h++) {
        f.add(git("d" + day + "h" + h, at(day, h), "git.fetch", "api", "10.0.0.1"));
      }
    }
    int scored = rules.minOwnDays();
    List<AuditEvent> today = new ArrayList<>();
    today.add(git("known", at(scored, 10), "git.fetch", "api", "10.0.0.1"));
    for (int i = 0; i < 9; i++) {
      today.add(git("new" + i, at(scored, 2), "git.fetch", "repo-" + i, "192.0.2.7"));
    }
    today.forEach(f::add);

    List<PersonDay> days = f.closeAll();

    PersonDay d = days.get(days.size() - 1);
    assertThat(d.hasOwnHistory()).isTrue();
    assertThat(value(d, "new repositories")).isEqualTo(0.9);
    assertThat(value(d, "new source IPs")).isEqualTo(1);
    // 9 of 10 events at 02:00, an hour this person never works
    assertThat(value(d, "off-hours share")).isEqualTo(0.9);
    assertThat(d.ownMedian()[feature(rules, "distinct repositories")]).isEqualTo(1);
    assertThat(d.evidence().get(feature(rules, "new repositories")))
        .hasSize(5)
        .allMatch(id -> id.startsWith("new"));
    assertThat(d.evidence().get(feature(rules, "new source IPs")))
        .singleElement()
        .asString()
        .startsWith("new");
  }

  @Test
  void theSameEventsInAnyOrderGiveTheSameDays() {
    List<AuditEvent> events = new ArrayList<>();
    Random r = new Random(7);
    for (int i = 0; i < 300; i++) {
      int day = r.nextInt(12);
      events.add(
          git(
              "e" + i,
              at(day, 6 + r.nextInt(14)),
              "git.clone",
              "repo-" + r.nextInt(9),
              "10.0.0." + r.nextInt(4)));
    }
    DailyFeatures inOrder = new DailyFeatures(rules, "p1");
    events.stream()
        .sorted((a, b) -> a.getEventTime().compareTo(b.getEventTime()))
        .forEach(inOrder::add);
    Collections.shuffle(events, new Random(3));
    DailyFeatures shuffled = new DailyFeatures(rules, "p1");
    events.forEach(shuffled::add);

    List<PersonDay> a = inOrder.closeAll();
    List<PersonDay> b = shuffled.closeAll();

    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).values()).containsExactly(a.get(i).values());
      assertThat(b.get(i).evidence()).isEqualTo(a.get(i).evidence());
    }
  }

  @Test
  void theDayBoundaryIsConfigurable() {
    AnomalyRules plusOne =
        new AnomalyRules(
            rules.ruleId(),
            rules.version(),
            ZoneOffset.ofHours(1),
            rules.scoredDaysBeforeDeparture(),
            rules.alertBudgetPer1000(),
            rules.minPeersPerRole(),
            rules.minOwnDays(),
            rules.ownHistoryDays(),
            rules.usualFrom(),
            rules.usualTo(),
            rules.usualHourMinShare(),
            rules.shareFloorEvents(),
            rules.shareFloorResources(),
            rules.forest(),
            rules.bands(),
            rules.evidencePerFeature(),
            rules.features());
    long lateEvening = at(0, 23) + 30 * 60_000L;

    assertThat(rules.dayOf(lateEvening)).isEqualTo(rules.dayOf(at(0, 0)));
    assertThat(plusOne.dayOf(lateEvening)).isEqualTo(rules.dayOf(at(1, 0)));
    assertThat(plusOne.hourOf(lateEvening)).isZero();
  }

  @Test
  void aDayClosesOnceAndALaterEventForItIsRefused() {
    DailyFeatures f = new DailyFeatures(rules, "p1");
    f.add(git("a", at(0, 9), "git.clone", "api", null));
    f.add(git("b", at(1, 9), "git.clone", "api", null));

    assertThat(f.closeThrough(rules.dayOf(at(0, 9)))).hasSize(1);
    assertThat(f.add(git("late", at(0, 10), "git.clone", "api", null))).isFalse();
    assertThat(f.openDays()).isEqualTo(1);
    assertThat(f.closeAll()).singleElement().extracting(PersonDay::eventCount).isEqualTo(1);
  }

  @Test
  void eventsAlternatingBetweenOpenDaysEachLandInTheirOwnDay() {
    DailyFeatures f = new DailyFeatures(rules, "p1");

    assertThat(f.offer(git("a1", at(0, 9), "git.clone", "api", null)))
        .isEqualTo(DailyFeatures.Added.OPENED);
    assertThat(f.offer(git("b1", at(1, 9), "git.clone", "api", null)))
        .isEqualTo(DailyFeatures.Added.OPENED);
    assertThat(f.offer(git("a2", at(0, 10), "git.clone", "web", null)))
        .isEqualTo(DailyFeatures.Added.ADDED);
    assertThat(f.offer(git("a3", at(0, 11), "git.clone", "web", null)))
        .isEqualTo(DailyFeatures.Added.ADDED);
    assertThat(f.offer(git("b2", at(1, 10), "git.clone", "api", null)))
        .isEqualTo(DailyFeatures.Added.ADDED);

    List<PersonDay> first = f.closeThrough(rules.dayOf(at(0, 0)));
    assertThat(f.offer(git("a4", at(0, 12), "git.clone", "api", null)))
        .isEqualTo(DailyFeatures.Added.LATE);
    assertThat(f.offer(git("b3", at(1, 11), "git.clone", "ops", null)))
        .isEqualTo(DailyFeatures.Added.ADDED);
    List<PersonDay> second = f.closeAll();

    assertThat(first).singleElement().extracting(PersonDay::eventCount).isEqualTo(3);
    assertThat(value(first.get(0), "distinct repositories")).isEqualTo(2);
    assertThat(second).singleElement().extracting(PersonDay::eventCount).isEqualTo(3);
    assertThat(value(second.get(0), "distinct repositories")).isEqualTo(2);
  }

  @Test
  void statePerPersonStaysBoundedHoweverMuchTheyTouch() {
    DailyFeatures f = new DailyFeatures(rules, "p1");
    int n = 0;
    for (int day = 0; day < 365; day++) {
      for (int i = 0; i < 400; i++, n++) {
        f.add(
            git(
                "e" + n,
                at(day, i % 24),
                "git.clone",
                "repo-" + n,
                "10." + (n % 250) + "." + (n / 250 % 250) + ".1"));
      }
      f.closeThrough(rules.dayOf(at(day, 0)));
    }

    assertThat(f.openDays()).isZero();
    assertThat(f.daysSeen()).isEqualTo(365);
    // known repositories and IPs stop at their caps; the own history is the last 28 days
    assertThat(f.historyBytes()).isLessThan(32 * 1024);
  }
}
