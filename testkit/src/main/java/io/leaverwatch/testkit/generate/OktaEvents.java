package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/** Okta System Log events (the {@code /api/v1/logs} LogEvent shape). */
final class OktaEvents {
  static final String AUTOMATION_ID = "00usvcoffboard0001";
  static final String AUTOMATION_LOGIN = "svc-offboarding@example.com";
  static final String AUTOMATION_IP = "44.210.16.7";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** An actor or target entry of a LogEvent. */
  record Entity(String id, String type, String alternateId, String displayName) {
    static Entity user(Person p) {
      return new Entity(p.oktaId(), "User", p.email(), p.displayName());
    }

    static Entity automation() {
      return new Entity(AUTOMATION_ID, "User", AUTOMATION_LOGIN, "Offboarding Service");
    }
  }

  /** What happened: event type, display message, legacy type and the request path. */
  record Kind(String eventType, String displayMessage, String legacyEventType, String uri) {}

  static final Kind SESSION_START =
      new Kind(
          "user.session.start",
          "User login to Okta",
          "core.user_auth.login_success",
          "/api/v1/authn");
  static final Kind SESSION_START_FAILED =
      new Kind(
          "user.session.start",
          "User login to Okta",
          "core.user_auth.login_failed",
          "/api/v1/authn");
  static final Kind SSO =
      new Kind(
          "user.authentication.sso", "User single sign on to app", "app.auth.sso", "/app/sso/saml");
  static final Kind MFA =
      new Kind(
          "user.authentication.auth_via_mfa",
          "Authentication of user via MFA",
          "core.user.factor.attempt_success",
          "/api/v1/authn/factors/verify");
  static final Kind SESSION_END =
      new Kind(
          "user.session.end",
          "User logout from Okta",
          "core.user_auth.logout_success",
          "/login/signout");
  static final Kind DEACTIVATE =
      new Kind(
          "user.lifecycle.deactivate",
          "Deactivate Okta user",
          "core.user.config.user_deactivated",
          "/api/v1/users/%s/lifecycle/deactivate");
  static final Kind ACTIVATE =
      new Kind(
          "user.lifecycle.activate",
          "Activate Okta user",
          "core.user.config.user_activated",
          "/api/v1/users/%s/lifecycle/activate");
  static final Kind REACTIVATE =
      new Kind(
          "user.lifecycle.reactivate",
          "Reactivate Okta user",
          "core.user.config.user_reactivated",
          "/api/v1/users/%s/lifecycle/reactivate");
  static final Kind MFA_RESET_ALL =
      new Kind(
          "user.mfa.factor.reset_all",
          "Reset all factors for user",
          "core.user.factor.reset_all",
          "/api/v1/users/%s/lifecycle/reset_factors");
  static final Kind API_TOKEN_CREATE =
      new Kind(
          "system.api_token.create",
          "Create API token",
          "api.token.create",
          "/api/internal/tokens");

  /** Every kind above, for the incident templates to find theirs by event type. */
  static final List<Kind> KINDS =
      List.of(
          SESSION_START,
          SESSION_START_FAILED,
          SSO,
          MFA,
          SESSION_END,
          DEACTIVATE,
          ACTIVATE,
          REACTIVATE,
          MFA_RESET_ALL,
          API_TOKEN_CREATE);

  private static final String[][] APPS = {
    {"0oa1gh7wq3rT5nB2c4x7", "GitHub Enterprise Cloud - Organization"},
    {"0oa1aws9xk2Lm4Pq8r5t", "AWS IAM Identity Center"},
    {"0oa1slk3vZ8yH6jW2e1d", "Slack"},
    {"0oa1jra5nQ7cX3bV9m4s", "Jira Software"},
    {"0oa1gws2pR6tY8uI0o3a", "Google Workspace"}
  };

  private OktaEvents() {}

  static Entity app(int n) {
    String[] a = APPS[Math.floorMod(n, APPS.length)];
    return new Entity(a[0], "AppInstance", a[1], a[1]);
  }

  static Entity appNamed(String label) {
    for (String[] a : APPS) {
      if (a[1].equals(label)) {
        return new Entity(a[0], "AppInstance", a[1], a[1]);
      }
    }
    throw new IllegalArgumentException("no such app " + label);
  }

  /**
   * One LogEvent. {@code reason} is only set for failures; {@code targetUserId} fills the request
   * path of lifecycle operations.
   */
  static ObjectNode event(
      SplittableRandom rng,
      long epochMs,
      Kind kind,
      Entity actor,
      String ip,
      String userAgent,
      boolean success,
      String reason,
      List<Entity> targets,
      String targetUserId) {
    ObjectNode e = F.objectNode();
    ObjectNode a = e.putObject("actor");
    a.put("id", actor.id());
    a.put("type", actor.type());
    a.put("alternateId", actor.alternateId());
    a.put("displayName", actor.displayName());
    a.putNull("detailEntry");
    ObjectNode client = e.putObject("client");
    ObjectNode ua = client.putObject("userAgent");
    ua.put("rawUserAgent", userAgent);
    ua.put(
        "os",
        userAgent.contains("Windows")
            ? "Windows 10"
            : userAgent.contains("Linux") ? "Linux" : "Mac OS X");
    ua.put(
        "browser",
        !userAgent.startsWith("Mozilla")
            ? "UNKNOWN"
            : userAgent.contains("Firefox")
                ? "FIREFOX"
                : userAgent.contains("Chrome") ? "CHROME" : "SAFARI");
    client.put("zone", "null");
    client.put("device", "Computer");
    client.putNull("id");
    client.put("ipAddress", ip);
    ObjectNode auth = e.putObject("authenticationContext");
    auth.putNull("authenticationProvider");
    auth.putNull("credentialProvider");
    auth.putNull("credentialType");
    auth.putNull("issuer");
    auth.putNull("interface");
    auth.put("authenticationStep", 0);
    auth.put("externalSessionId", "102" + Ids.alnum(rng, 22));
    e.put("displayMessage", kind.displayMessage());
    e.put("eventType", kind.eventType());
    ObjectNode outcome = e.putObject("outcome");
    outcome.put("result", success ? "SUCCESS" : "FAILURE");
    if (reason == null) {
      outcome.putNull("reason");
    } else {
      outcome.put("reason", reason);
    }
    e.put("published", Instant.ofEpochMilli(epochMs).toString());
    ObjectNode sec = e.putObject("securityContext");
    sec.put("asNumber", 7922);
    sec.put("asOrg", "comcast cable communications  llc");
    sec.put("isp", "comcast cable communications  llc");
    sec.put("domain", "comcast.net");
    sec.put("isProxy", false);
    e.put("severity", success ? "INFO" : "WARN");
    String requestId = Ids.alnum(rng, 27);
    ObjectNode debug = e.putObject("debugContext").putObject("debugData");
    debug.put("requestId", requestId);
    String uri = targetUserId == null ? kind.uri() : String.format(kind.uri(), targetUserId);
    debug.put("requestUri", uri);
    debug.put("threatSuspected", "false");
    debug.put("url", uri + "?");
    e.put("legacyEventType", kind.legacyEventType());
    ObjectNode tx = e.putObject("transaction");
    tx.put("type", "WEB");
    tx.put("id", requestId);
    tx.putObject("detail");
    e.put("uuid", Ids.uuid(rng));
    e.put("version", "0");
    ArrayNode chain = e.putObject("request").putArray("ipChain");
    ObjectNode hop = chain.addObject();
    hop.put("ip", ip);
    hop.put("version", "V4");
    hop.putNull("source");
    if (targets == null || targets.isEmpty()) {
      e.putNull("target");
    } else {
      ArrayNode t = e.putArray("target");
      for (Entity x : targets) {
        ObjectNode o = t.addObject();
        o.put("id", x.id());
        o.put("type", x.type());
        o.put("alternateId", x.alternateId());
        o.put("displayName", x.displayName());
        o.putNull("detailEntry");
      }
    }
    return e;
  }
}
