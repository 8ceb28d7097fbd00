package io.leaverwatch.core.redact;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from any text before it is logged, printed or put in an error. Known token shapes
 * (GitHub, Slack, Okta SSWS, bearer and basic credentials, JWTs, PEM blocks, Slack and PagerDuty
 * webhook URLs, basic auth in URLs, key=value pairs with secret-looking names) are replaced by
 * {@code [REDACTED]}; {@link #redact(String, Iterable)} also replaces known secret values whatever
 * their shape.
 */
public final class Redactor {
  public static final String MASK = "[REDACTED]";

  /** A pattern and what a match becomes. */
  private record Rule(Pattern pattern, Function<Matcher, String> replacement) {}

  private static final List<Rule> RULES =
      List.of(
          // PEM blocks (private keys above all), also an unterminated one and one whose line
          // breaks were escaped into "\n" by a JSON or toString rendering
          new Rule(
              Pattern.compile(
                  "-----BEGIN ([A-Z0-9 ]{1,40})-----(?:[\\s\\S]*?-----END \\1-----|[\\s\\S]*)"),
              m ->
                  "-----BEGIN " + m.group(1) + "-----" + MASK + "-----END " + m.group(1) + "-----"),
          // JWTs (OAuth access tokens, OIDC id tokens, client assertions): header.payload.signature
          new Rule(
              Pattern.compile("\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*"),
              m -> MASK),
          // Slack incoming webhooks and workflow triggers: the path is the credential
          new Rule(
              Pattern.compile(
                  "(?i)(hooks\\.slack(?:-gov)?\\.com/(?:services|workflows|triggers)/)"
                      + "[A-Za-z0-9_/+-]+"),
              m -> m.group(1) + MASK),
          // PagerDuty integration URLs (Events API v1 /integration/KEY/..., x-ere/KEY)
          new Rule(
              Pattern.compile(
                  "(?i)(events\\.(?:eu\\.)?pagerduty\\.com/(?:integration|x-ere|v2/enqueue/x-ere)/)"
                      + "[A-Za-z0-9_+-]+"),
              m -> m.group(1) + MASK),
          // GitHub tokens: classic and fine-grained PATs, OAuth, app and refresh tokens
          new Rule(
              Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
              m -> MASK),
          // Slack API tokens
          new Rule(Pattern.compile("\\bxox[abposre]-[A-Za-z0-9-]{10,}"), m -> MASK),
          // Authorization headers of any scheme
          new Rule(
              Pattern.compile("(?i)(authorization\\s*[:=]\\s*)(\\S+\\s+)?[^\\s,;\"']+"),
              m -> m.group(1) + MASK),
          new Rule(
              Pattern.compile("(?i)\\b(SSWS|Bearer|Basic|ApiKey)\\s+[A-Za-z0-9._~+/=-]{8,}"),
              m -> m.group(1) + " " + MASK),
          // "token <value>": a value that looks generated (a digit in it), not "token provider"
          new Rule(
              Pattern.compile("(?i)\\b(token)\\s+(?=[A-Za-z._~+/=-]*[0-9])[A-Za-z0-9._~+/=-]{12,}"),
              m -> m.group(1) + " " + MASK),
          // key=value / "key": "value" with a secret-looking key
          new Rule(
              Pattern.compile(
                  "(?i)((?:api[_-]?key|secret|password|passwd|token|access[_-]?token|"
                      + "client[_-]?secret|client[_-]?assertion|private[_-]?key|routing[_-]?key|"
                      + "integration[_-]?key|service[_-]?key|webhook[_-]?url|"
                      + "aws_secret_access_key|aws_session_token|sasl\\.jaas\\.config)"
                      + "\"?\\s*[:=]\\s*\"?)[^\\s\",;&]+"),
              m -> m.group(1) + MASK),
          // user:password@ in URLs
          new Rule(
              Pattern.compile("(?i)(://[^/\\s:@]+:)[^@\\s/]+(@)"),
              m -> m.group(1) + MASK + m.group(2)));

  // AWS secret access keys (40 chars base64-ish) have no shape of their own: the key name rule
  // and the known values catch them; bare AKIA ids are identifiers, not secrets, and are kept as
  // evidence.

  private Redactor() {}

  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(out);
      if (!m.find()) {
        continue;
      }
      StringBuilder sb = new StringBuilder(out.length());
      do {
        m.appendReplacement(sb, Matcher.quoteReplacement(rule.replacement().apply(m)));
      } while (m.find());
      m.appendTail(sb);
      out = sb.toString();
    }
    return out;
  }

  /** Redacts a known secret value wherever it appears, whatever its shape. */
  public static String redact(String text, Iterable<String> knownSecrets) {
    if (text == null) {
      return null;
    }
    // the values first: a pattern could otherwise cut a value in two and leave half of it
    String out = text;
    List<String> values = new ArrayList<>();
    knownSecrets.forEach(values::add);
    for (String s : longestFirst(values)) {
      if (s != null && s.length() >= 4) {
        out = out.replace(s, MASK);
      }
    }
    return redact(out);
  }

  private static List<String> longestFirst(Collection<String> values) {
    List<String> sorted = new ArrayList<>(values.size());
    for (String v : values) {
      if (v != null) {
        sorted.add(v);
      }
    }
    // a value that contains another must go first, or only its remainder would be masked
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return sorted;
  }
}
