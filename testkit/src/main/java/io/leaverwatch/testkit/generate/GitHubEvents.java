package io.leaverwatch.testkit.generate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/** GitHub organization audit log entries as the REST API and the audit-log stream return them. */
final class GitHubEvents {
  static final String ORG = "acme-corp";
  static final long ORG_ID = 81_273_645L;
  static final String AUTOMATION_LOGIN = "offboarding-bot";
  static final long AUTOMATION_ACTOR_ID = 9_001_001L;

  static final String[] REPOS = {
    "payments-api", "web-frontend", "infra-terraform", "data-pipelines", "mobile-app",
    "auth-service", "billing-worker", "analytics-dbt", "platform-helm", "docs-site",
    "search-indexer", "ml-features"
  };

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private GitHubEvents() {}

  static long repoId(String repo) {
    return 500_000_000L + Math.abs(repo.hashCode() % 1_000_000);
  }

  /** Operation type GitHub assigns to an action (access, create, modify, remove, ...). */
  static String operationType(String action) {
    if (action.startsWith("git.")
        || action.equals("repo.download_zip")
        || action.equals("api.request")) {
      return "access";
    }
    if (action.endsWith(".create")
        || action.endsWith("request_created")
        || action.endsWith("access_granted")) {
      return "create";
    }
    if (action.startsWith("org.remove") || action.endsWith(".destroy")) {
      return "remove";
    }
    return "modify";
  }

  /** An entry whose actor is a member of the organisation (SAML-linked: carries the nameid). */
  static ObjectNode byPerson(
      SplittableRandom rng, long epochMs, String action, Person actor, String ip, String ua) {
    ObjectNode e =
        base(rng, epochMs, action, actor.githubLogin(), actor.githubActorId(), false, ip, ua);
    e.put("external_identity_nameid", actor.email());
    e.put("external_identity_username", actor.email());
    return e;
  }

  static ObjectNode byAutomation(SplittableRandom rng, long epochMs, String action) {
    return base(
        rng,
        epochMs,
        action,
        AUTOMATION_LOGIN,
        AUTOMATION_ACTOR_ID,
        true,
        OktaEvents.AUTOMATION_IP,
        "Octokit.js/4.0.2");
  }

  private static ObjectNode base(
      SplittableRandom rng,
      long epochMs,
      String action,
      String login,
      long actorId,
      boolean bot,
      String ip,
      String ua) {
    ObjectNode e = F.objectNode();
    e.put("@timestamp", epochMs);
    e.put("_document_id", Ids.documentId(rng));
    e.put("action", action);
    e.put("actor", login);
    e.put("actor_id", actorId);
    e.put("actor_ip", ip);
    e.put("actor_is_bot", bot);
    e.putObject("actor_location").put("country_code", "US");
    e.put("created_at", epochMs);
    e.put("operation_type", operationType(action));
    e.put("org", ORG);
    e.put("org_id", ORG_ID);
    e.put("user_agent", ua);
    return e;
  }

  static void repo(ObjectNode e, String repo) {
    e.put("repo", ORG + "/" + repo);
    e.put("repo_id", repoId(repo));
    e.put("public_repo", false);
    e.put("visibility", "private");
  }

  static void gitTransport(ObjectNode e) {
    e.put("repository_public", false);
    e.put("transport_protocol", 1);
    e.put("transport_protocol_name", "http");
  }

  static void user(ObjectNode e, Person target) {
    e.put("user", target.githubLogin());
    e.put("user_id", target.githubActorId());
  }

  /** Marks an entry as made with the person's classic personal access token. */
  static void pat(ObjectNode e, Person p, String route, String method) {
    e.put("hashed_token", p.patHash());
    e.put("programmatic_access_type", "Personal access token (classic)");
    e.put("token_id", p.patTokenId());
    e.put("token_scopes", "repo,read:org");
    e.put("request_category", "api");
    e.put("request_method", method);
    e.put("route", route);
    e.put("status_code", 200);
  }
}
