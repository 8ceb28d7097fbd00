package io.leaverwatch.core.rules;

import io.leaverwatch.schema.Principal;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The principals whose credential changes and revocations are the offboarding workflow itself. Okta
 * principals match by alternateId or id, GitHub by login, AWS by IAM user or role ARN with {@code
 * *} wildcards; an assumed-role session matches the ARN of its role.
 */
public final class ApprovedAutomation implements Serializable {
  private final List<String> okta;
  private final List<String> github;
  private final List<String> aws;
  private final List<Pattern> awsPatterns;

  public ApprovedAutomation(List<String> okta, List<String> github, List<String> aws) {
    this.okta = okta.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    this.github = github.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    this.aws = List.copyOf(aws);
    this.awsPatterns = aws.stream().map(ApprovedAutomation::glob).toList();
  }

  public static ApprovedAutomation none() {
    return new ApprovedAutomation(List.of(), List.of(), List.of());
  }

  public List<String> okta() {
    return okta;
  }

  public List<String> github() {
    return github;
  }

  public List<String> aws() {
    return aws;
  }

  public boolean approves(Principal p) {
    if (p == null) {
      return false;
    }
    switch (p.getSystem()) {
      case "okta":
        return contains(okta, p.getLogin()) || contains(okta, p.getId());
      case "github":
        return contains(github, p.getLogin());
      case "aws":
        String arn = p.getArn();
        if (arn == null) {
          return false;
        }
        for (String candidate : new String[] {arn, roleArnOfSession(arn)}) {
          if (candidate == null) {
            continue;
          }
          for (Pattern pattern : awsPatterns) {
            if (pattern.matcher(candidate).matches()) {
              return true;
            }
          }
        }
        return false;
      default:
        return false;
    }
  }

  private static boolean contains(List<String> list, String value) {
    return value != null && list.contains(value.toLowerCase(Locale.ROOT));
  }

  /**
   * {@code arn:aws:sts::123:assumed-role/Role/session} → {@code arn:aws:iam::123:role/Role}; null
   * for any other ARN.
   */
  public static String roleArnOfSession(String arn) {
    if (arn == null || !arn.contains(":assumed-role/")) {
      return null;
    }
    String[] parts = arn.split(":", 6);
    if (parts.length < 6) {
      return null;
    }
    String[] path = parts[5].split("/");
    if (path.length < 2) {
      return null;
    }
    return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + path[1];
  }

  private static Pattern glob(String g) {
    StringBuilder sb = new StringBuilder();
    String[] parts = g.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append(".*");
      }
      sb.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(sb.toString());
  }
}
