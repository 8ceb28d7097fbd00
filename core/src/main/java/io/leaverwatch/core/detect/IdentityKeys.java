package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lookup keys of an identity. Every way a person can be named (Okta id or login, GitHub login,
 * IAM user name or ARN, access key id, email) becomes one string key; emails and logins compare
 * case-insensitively.
 */
public final class IdentityKeys {
  private IdentityKeys() {}

  /** Keys of a declared identity ({@code system}, {@code identity}) from the identities file. */
  public static List<String> ofLink(String system, String identity) {
    List<String> keys = new ArrayList<>(2);
    if (identity == null || identity.isBlank()) {
      return keys;
    }
    String id = identity.trim();
    String lower = id.toLowerCase(Locale.ROOT);
    switch (system == null ? "" : system.toLowerCase(Locale.ROOT)) {
      case "okta":
        if (id.contains("@")) {
          keys.add("okta:" + lower);
          keys.add("email:" + lower);
        } else {
          keys.add("okta-id:" + id);
          keys.add("okta:" + lower);
        }
        break;
      case "github":
        keys.add("github:" + lower);
        break;
      case "aws":
        if (id.startsWith("arn:")) {
          keys.add("aws-arn:" + id);
          String user = iamUserName(id);
          if (user != null) {
            keys.add("aws-user:" + user.toLowerCase(Locale.ROOT));
          }
        } else if (id.matches("(AKIA|ASIA)[A-Z0-9]{12,}")) {
          keys.add("aws-key:" + id);
        } else {
          keys.add("aws-user:" + lower);
        }
        break;
      case "email":
        keys.add("email:" + lower);
        break;
      default:
        keys.add(lower);
    }
    return keys;
  }

  /** Keys of a principal named by an event, most specific first. */
  public static List<String> ofPrincipal(Principal p) {
    List<String> keys = new ArrayList<>(4);
    if (p == null || p.getSystem() == null) {
      return keys;
    }
    String kind = p.getKind() == null ? "" : p.getKind();
    switch (p.getSystem()) {
      case "okta":
        if (p.getId() != null) {
          keys.add("okta-id:" + p.getId());
        }
        if (p.getLogin() != null) {
          keys.add("okta:" + p.getLogin().toLowerCase(Locale.ROOT));
        }
        break;
      case "github":
        if (p.getLogin() != null) {
          keys.add("github:" + p.getLogin().toLowerCase(Locale.ROOT));
        }
        break;
      case "aws":
        if (kind.equals("iam_user")) {
          if (p.getArn() != null) {
            keys.add("aws-arn:" + p.getArn());
          }
          if (p.getLogin() != null) {
            keys.add("aws-user:" + p.getLogin().toLowerCase(Locale.ROOT));
          }
          if (p.getAccessKeyId() != null && p.getAccessKeyId().startsWith("AKIA")) {
            keys.add("aws-key:" + p.getAccessKeyId());
          }
        } else if (kind.equals("access_key") && p.getAccessKeyId() != null) {
          keys.add("aws-key:" + p.getAccessKeyId());
        }
        break;
      default:
        break;
    }
    if (p.getEmail() != null) {
      keys.add("email:" + p.getEmail().toLowerCase(Locale.ROOT));
    }
    return keys;
  }

  /** The system a key belongs to for offboarding: okta, github, aws (IAM user) or null. */
  /** The IAM access key id an {@code aws-key:} identity key names, if it is one. */
  public static java.util.Optional<String> accessKeyOf(String key) {
    return key.startsWith("aws-key:")
        ? java.util.Optional.of(key.substring("aws-key:".length()))
        : java.util.Optional.empty();
  }

  public static String systemOf(String key) {
    if (key.startsWith("okta")) {
      return "okta";
    }
    if (key.startsWith("github:")) {
      return "github";
    }
    if (key.startsWith("aws-user:") || key.startsWith("aws-arn:")) {
      return "aws";
    }
    return null;
  }

  /** {@code arn:aws:iam::123:user/path/alice} → {@code alice}; null for other ARNs. */
  public static String iamUserName(String arn) {
    int i = arn.indexOf(":user/");
    if (i < 0) {
      return null;
    }
    String rest = arn.substring(i + 6);
    int slash = rest.lastIndexOf('/');
    return slash >= 0 ? rest.substring(slash + 1) : rest;
  }
}
