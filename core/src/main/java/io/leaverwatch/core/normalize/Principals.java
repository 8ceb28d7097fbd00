package io.leaverwatch.core.normalize;

import io.leaverwatch.schema.Principal;
import io.leaverwatch.schema.PrincipalType;
import java.util.Locale;

/** Building blocks for {@link Principal}s, shared by the source normalisers. */
final class Principals {
  static final String OKTA = "okta";
  static final String GITHUB = "github";
  static final String AWS = "aws";

  private Principals() {}

  static Principal of(
      String system,
      String kind,
      String id,
      String login,
      String email,
      String arn,
      String accessKeyId,
      PrincipalType type,
      String displayName) {
    return new Principal(
        system,
        kind,
        id,
        login,
        email,
        arn,
        accessKeyId,
        type == null ? PrincipalType.UNKNOWN : type,
        displayName);
  }

  /** Lower-cased {@code value} when it looks like an email address, else null. */
  static String email(String value) {
    return looksLikeEmail(value) ? value.toLowerCase(Locale.ROOT) : null;
  }

  static boolean looksLikeEmail(String s) {
    if (s == null) {
      return false;
    }
    int at = s.indexOf('@');
    if (at <= 0 || at != s.lastIndexOf('@') || at == s.length() - 1) {
      return false;
    }
    int dot = s.indexOf('.', at);
    if (dot < 0 || dot == at + 1 || dot == s.length() - 1) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == '<' || c == '>' || c == '/' || c == ':' || c == '"') {
        return false;
      }
    }
    return true;
  }

  /** The part after the last {@code /}, or the whole value when there is none. */
  static String lastSegment(String s) {
    if (s == null) {
      return null;
    }
    int slash = s.lastIndexOf('/');
    String seg = slash < 0 ? s : s.substring(slash + 1);
    return seg.isEmpty() ? null : seg;
  }
}
