package io.leaverwatch.testkit.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds the people of the generated organisation: unique names, identities and IPs. */
final class Organisation {
  static final String[] ROLES = {
    "software-engineer", "sre", "data-engineer", "contractor", "analyst"
  };

  /** Members per shared egress IP are at least this many, so no shared IP is anyone's "own". */
  static final int MIN_PEOPLE_PER_SHARED_IP = 10;

  static final int ADMIN_COUNT = 3;

  private static final String[] FIRST = {
    "ada", "alan", "amara", "anika", "arjun", "bea", "bruno", "carla", "chen", "dario", "diego",
    "elena", "emil", "farah", "felix", "gita", "grace", "hana", "hugo", "ines", "ivan", "jamal",
    "jana", "joao", "kai", "karin", "kofi", "lara", "leon", "lina", "luca", "maya", "mei", "mila",
    "nadia", "nico", "noor", "olga", "omar", "paula", "pedro", "priya", "quinn", "rafael", "rosa",
    "ruth", "sami", "sara", "sofia", "tariq", "tomas", "uma", "vera", "viktor", "wei", "yara",
    "yusuf", "zara", "zoe", "aiko", "bjorn", "chloe", "dmitri", "esra"
  };
  private static final String[] LAST = {
    "abbott",
    "adeyemi",
    "alvarez",
    "andersen",
    "baker",
    "banerjee",
    "becker",
    "bianchi",
    "brooks",
    "castro",
    "chowdhury",
    "costa",
    "dubois",
    "eriksson",
    "fischer",
    "fontaine",
    "garcia",
    "gomez",
    "hansen",
    "haddad",
    "hughes",
    "ito",
    "jensen",
    "kaur",
    "keller",
    "kim",
    "kowalski",
    "larsen",
    "lopez",
    "mahmoud",
    "martin",
    "meyer",
    "moreau",
    "nakamura",
    "nguyen",
    "novak",
    "okafor",
    "olsen",
    "ortiz",
    "park",
    "patel",
    "petrov",
    "quintero",
    "rahman",
    "reyes",
    "rossi",
    "santos",
    "sato",
    "schmidt",
    "silva",
    "singh",
    "sokolov",
    "suzuki",
    "tanaka",
    "torres",
    "vargas",
    "varga",
    "wagner",
    "walsh",
    "weber",
    "wong",
    "yilmaz",
    "young",
    "zhang",
    "zimmermann",
    "lindqvist",
    "mendes",
    "obrien",
    "horvat",
    "kovacs",
    "demir",
    "farouk",
    "ibrahim",
    "jovanovic",
    "laine",
    "mwangi",
    "nowak",
    "osei",
    "popescu",
    "rasmussen"
  };
  private static final String[] BROWSERS = {
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/18.0 Safari/605.1.15"
  };

  private Organisation() {}

  static List<Person> build(int count, String domain, SplittableRandom rng) {
    int offices = Math.max(1, count / 40);
    int vpns = Math.max(1, count / 60);
    List<Person> people = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String first = FIRST[i % FIRST.length];
      String last = LAST[(i / FIRST.length) % LAST.length];
      int round = i / (FIRST.length * LAST.length);
      String suffix = round == 0 ? "" : Integer.toString(round + 1);
      String local = first + "." + last + suffix;
      boolean admin = i < ADMIN_COUNT;
      String role = admin ? "sre" : pickRole(rng);
      Person.AwsAccess aws = admin ? Person.AwsAccess.IAM_USER : pickAws(role, rng);
      List<String> keys = new ArrayList<>();
      String principalId = null;
      if (aws == Person.AwsAccess.IAM_USER) {
        int n = rng.nextInt(10) < 3 ? 2 : 1;
        for (int k = 0; k < n; k++) {
          keys.add(Ids.accessKeyId(rng, "AKIA"));
        }
        principalId = "AIDA" + Ids.upperAlnum(rng, 17);
      }
      boolean declared = admin || rng.nextInt(100) >= 4;
      boolean pat = rng.nextInt(100) < 25;
      people.add(
          new Person(
              i,
              String.format("p%05d", i + 1),
              cap(first) + " " + cap(last) + suffix,
              local + "@" + domain,
              role,
              "00u" + Ids.alnum(rng, 17),
              first + "-" + last + suffix,
              10_000_000L + (long) i * 37 + rng.nextInt(37),
              declared,
              aws,
              aws == Person.AwsAccess.IAM_USER ? local : null,
              principalId,
              List.copyOf(keys),
              homeIp(i),
              sharedIp("198.51.", 100, i % offices),
              sharedIp("203.0.", 113, i % vpns),
              pat ? Ids.base64(rng, 32) : null,
              pat ? 40_000_000L + rng.nextInt(9_000_000) : 0,
              BROWSERS[rng.nextInt(BROWSERS.length)],
              admin));
    }
    return people;
  }

  /** A residential address no one else in the organisation uses. */
  static String homeIp(int i) {
    return "73." + (i / 62_500) + "." + ((i / 250) % 250) + "." + (1 + i % 250);
  }

  /** Office and VPN egress addresses, each shared by many people. */
  static String sharedIp(String prefix, int third, int n) {
    return prefix + (third + n / 200) + "." + (10 + n % 200);
  }

  private static String pickRole(SplittableRandom rng) {
    int r = rng.nextInt(100);
    if (r < 45) {
      return "software-engineer";
    } else if (r < 60) {
      return "sre";
    } else if (r < 75) {
      return "data-engineer";
    } else if (r < 87) {
      return "contractor";
    }
    return "analyst";
  }

  private static Person.AwsAccess pickAws(String role, SplittableRandom rng) {
    int r = rng.nextInt(100);
    switch (role) {
      case "analyst":
        return r < 65 ? Person.AwsAccess.NONE : Person.AwsAccess.SSO_ONLY;
      case "contractor":
        return r < 35 ? Person.AwsAccess.IAM_USER : Person.AwsAccess.SSO_ONLY;
      default:
        return r < 55
            ? Person.AwsAccess.IAM_USER
            : r < 95 ? Person.AwsAccess.SSO_ONLY : Person.AwsAccess.NONE;
    }
  }

  private static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
