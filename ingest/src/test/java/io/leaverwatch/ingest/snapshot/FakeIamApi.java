package io.leaverwatch.ingest.snapshot;

import io.leaverwatch.ingest.FakeHttpServer;
import io.leaverwatch.ingest.FakeHttpServer.Reply;
import io.leaverwatch.ingest.FakeHttpServer.Request;
import io.leaverwatch.ingest.http.RateLimitedHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The IAM query protocol (form POST, Action=..., XML answers) for the three calls snapshots make.
 */
final class FakeIamApi implements FakeHttpServer.Route {
  private static final String NS = "https://iam.amazonaws.com/doc/2010-05-08/";

  /** user → access keys (id → status) */
  final Map<String, Map<String, String>> keys = new LinkedHashMap<>();

  final Set<String> withLoginProfile;

  FakeIamApi(Set<String> withLoginProfile) {
    this.withLoginProfile = withLoginProfile;
  }

  @Override
  public synchronized Reply answer(Request r) {
    Map<String, String> form = RateLimitedHttp.query(URI.create("http://x/?" + r.bodyText()));
    String action = form.get("Action");
    String user = form.get("UserName");
    StringBuilder x = new StringBuilder();
    switch (action == null ? "" : action) {
      case "ListUsers" -> {
        x.append("<ListUsersResponse xmlns=\"")
            .append(NS)
            .append("\"><ListUsersResult><IsTruncated>false</IsTruncated><Users>");
        for (String u : keys.keySet()) {
          x.append("<member><Path>/</Path><UserName>")
              .append(u)
              .append("</UserName><UserId>AIDA")
              .append(u.toUpperCase())
              .append("</UserId><Arn>arn:aws:iam::123456789012:user/")
              .append(u)
              .append("</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member>");
        }
        x.append("</Users></ListUsersResult>");
      }
      case "ListAccessKeys" -> {
        x.append("<ListAccessKeysResponse xmlns=\"")
            .append(NS)
            .append("\"><ListAccessKeysResult><AccessKeyMetadata>");
        keys.getOrDefault(user, Map.of())
            .forEach(
                (id, status) ->
                    x.append("<member><UserName>")
                        .append(user)
                        .append("</UserName><AccessKeyId>")
                        .append(id)
                        .append("</AccessKeyId><Status>")
                        .append(status)
                        .append("</Status><CreateDate>2024-01-01T00:00:00Z</CreateDate></member>"));
        x.append("</AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult>");
      }
      case "GetLoginProfile" -> {
        if (!withLoginProfile.contains(user)) {
          return xml(
              404,
              "<ErrorResponse xmlns=\""
                  + NS
                  + "\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
                  + "<Message>Login Profile for User "
                  + user
                  + " cannot be found.</Message></Error>"
                  + "<RequestId>r-1</RequestId></ErrorResponse>");
        }
        x.append("<GetLoginProfileResponse xmlns=\"")
            .append(NS)
            .append("\"><GetLoginProfileResult><LoginProfile><UserName>")
            .append(user)
            .append("</UserName><CreateDate>2024-01-01T00:00:00Z</CreateDate>")
            .append(
                "<PasswordResetRequired>false</PasswordResetRequired></LoginProfile></GetLoginProfileResult>");
      }
      default -> {
        return xml(
            400,
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>"
                + action
                + "</Message></Error><RequestId>r</RequestId></ErrorResponse>");
      }
    }
    x.append("<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></")
        .append(action)
        .append("Response>");
    return xml(200, x.toString());
  }

  static Reply xml(int status, String body) {
    return new Reply(
        status, Map.of("Content-Type", "text/xml"), body.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> none() {
    return List.of();
  }
}
