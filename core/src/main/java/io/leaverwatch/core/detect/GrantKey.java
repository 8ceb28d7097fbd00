package io.leaverwatch.core.detect;

/**
 * One grant of a person in one system, as access snapshots report it ({@code okta_user}, {@code
 * access_key:AKIA...}). The state keys its grants by {@link #encoded()}; only this class writes or
 * reads that form.
 */
public record GrantKey(String system, String grant) {
  private static final String ACCESS_KEY = "access_key:";

  public static GrantKey of(String system, String grant) {
    return new GrantKey(system, grant);
  }

  public static GrantKey decode(String encoded) {
    int bar = encoded.indexOf('|');
    return new GrantKey(encoded.substring(0, bar), encoded.substring(bar + 1));
  }

  public String encoded() {
    return system + "|" + grant;
  }

  /** The IAM access key id this grant is, if it is one. */
  public java.util.Optional<String> accessKeyId() {
    return grant.startsWith(ACCESS_KEY)
        ? java.util.Optional.of(grant.substring(ACCESS_KEY.length()))
        : java.util.Optional.empty();
  }
}
