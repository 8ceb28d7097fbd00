package io.leaverwatch.core.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from any text before it is logged, printed or put in an error. Known token shapes
 * (GitHub, Okta SSWS, AWS secret keys, bearer tokens, basic auth in URLs, key=value pairs with
 * secret-looking names) are replaced by {@code [REDACTED]}.
 */
public final class Redactor {
  public static final String MASK = "[REDACTED]";

  private static final Pattern[] PATTERNS = {
    // GitHub tokens: classic and fine-grained PATs, OAuth, app and refresh tokens
    Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    // Authorization headers of any scheme
    Pattern.compile("(?i)(authorization\\s*[:=]\\s*)(\\S+\\s+)?[^\\s,;\"']+"),
    Pattern.compile("(?i)\\b(SSWS|Bearer|Basic|token)\\s+[A-Za-z0-9._~+/=-]{8,}"),
    // key=value / "key": "value" with a secret-looking key
    Pattern.compile(
        "(?i)((?:api[_-]?key|secret|password|passwd|token|access[_-]?token|client[_-]?secret|"
            + "private[_-]?key|aws_secret_access_key|aws_session_token|sasl\\.jaas\\.config)"
            + "\"?\\s*[:=]\\s*\"?)[^\\s\",;&]+"),
    // user:password@ in URLs
    Pattern.compile("(?i)(://[^/\\s:@]+:)[^@\\s/]+(@)"),
    // AWS secret access keys (40 chars base64-ish) next to an AKIA/ASIA id are caught by the key
    // name rule above; bare AKIA ids are identifiers, not secrets, and are kept as evidence.
  };

  private Redactor() {}

  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (Pattern p : PATTERNS) {
      Matcher m = p.matcher(out);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String replacement;
        if (m.groupCount() >= 2 && p.pattern().startsWith("(?i)(://")) {
          replacement = m.group(1) + MASK + m.group(2);
        } else if (m.groupCount() >= 1
            && m.group(1) != null
            && !p.pattern().startsWith("\\b(gh")
            && !p.pattern().startsWith("(?i)\\b(SSWS")) {
          replacement = m.group(1) + MASK;
        } else if (p.pattern().startsWith("(?i)\\b(SSWS")) {
          replacement = m.group(1) + " " + MASK;
        } else {
          replacement = MASK;
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(sb);
      out = sb.toString();
    }
    return out;
  }

  /** Redacts a known secret value wherever it appears, whatever its shape. */
  public static String redact(String text, Iterable<String> knownSecrets) {
    String out = redact(text);
    if (out == null) {
      return null;
    }
    for (String s : knownSecrets) {
      if (s != null && s.length() >= 4) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }
}
