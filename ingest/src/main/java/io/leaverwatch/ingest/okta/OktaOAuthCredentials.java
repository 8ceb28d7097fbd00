package io.leaverwatch.ingest.okta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leaverwatch.ingest.IngestLog;
import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.ingest.github.GitHubAuditLog;
import io.leaverwatch.ingest.http.Credentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * OAuth 2.0 client credentials with a private-key JWT (RS256 client assertion), as Okta service
 * apps use for the System Log: the access token is cached until shortly before it expires.
 */
public final class OktaOAuthCredentials implements Credentials {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final URI tokenEndpoint;
  private final String clientId;
  private final PrivateKey key;
  private final String keyId;
  private final List<String> scopes;
  private final Clock clock;
  private final IngestLog log;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<String> issued = new ArrayList<>();
  private String accessToken;
  private Instant expiresAt = Instant.EPOCH;

  public OktaOAuthCredentials(
      String baseUrl,
      String clientId,
      Path privateKeyPem,
      String keyId,
      List<String> scopes,
      Clock clock,
      IngestLog log)
      throws IOException {
    this.tokenEndpoint = URI.create(GitHubAuditLog.trimSlash(baseUrl) + "/oauth2/v1/token");
    this.clientId = clientId;
    this.key = readPkcs8(privateKeyPem);
    this.keyId = keyId;
    this.scopes = List.copyOf(scopes);
    this.clock = clock;
    this.log = log;
  }

  static PrivateKey readPkcs8(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (text.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IOException(
          pem
              + " is a PKCS#1 RSA key; convert it with `openssl pkcs8 -topk8 -nocrypt` to a"
              + " PKCS#8 'BEGIN PRIVATE KEY' file");
    }
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IOException(pem + " has no PKCS#8 'BEGIN PRIVATE KEY' block");
    }
    String b64 = text.substring(begin + 27, end).replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(pem + " does not hold a readable RSA private key: " + e.getMessage());
    }
  }

  @Override
  public synchronized String authorization() throws SourceException, InterruptedException {
    if (accessToken == null || !clock.instant().isBefore(expiresAt)) {
      fetchToken();
    }
    return "Bearer " + accessToken;
  }

  @Override
  public synchronized List<String> secrets() {
    return List.copyOf(issued);
  }

  @Override
  public synchronized boolean refreshAfterRejection() {
    accessToken = null;
    return true;
  }

  String clientAssertion() throws SourceException {
    long now = clock.instant().getEpochSecond();
    StringBuilder header = new StringBuilder("{\"alg\":\"RS256\",\"typ\":\"JWT\"");
    if (keyId != null) {
      header.append(",\"kid\":").append(quote(keyId));
    }
    header.append('}');
    String claims =
        "{\"iss\":"
            + quote(clientId)
            + ",\"sub\":"
            + quote(clientId)
            + ",\"aud\":"
            + quote(tokenEndpoint.toString())
            + ",\"iat\":"
            + now
            + ",\"exp\":"
            + (now + 300)
            + ",\"jti\":"
            + quote(UUID.randomUUID().toString())
            + "}";
    String signingInput = b64url(header.toString()) + "." + b64url(claims);
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new SourceException("cannot sign the Okta client assertion: " + e.getMessage(), false);
    }
  }

  private void fetchToken() throws SourceException, InterruptedException {
    String form =
        "grant_type=client_credentials&scope="
            + enc(String.join(" ", scopes))
            + "&client_assertion_type="
            + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            + "&client_assertion="
            + enc(clientAssertion());
    HttpRequest req =
        HttpRequest.newBuilder(tokenEndpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> r;
    try {
      r = client.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SourceException(
          "Okta token endpoint " + tokenEndpoint + " unreachable: " + e, true);
    }
    if (r.statusCode() != 200) {
      String body = r.body().length() > 300 ? r.body().substring(0, 300) : r.body();
      throw new SourceException(
          log.redact(
              "Okta token endpoint refused client "
                  + clientId
                  + " ("
                  + r.statusCode()
                  + " "
                  + body.replaceAll("\\s+", " ")
                  + ")"),
          r.statusCode() >= 500);
    }
    try {
      JsonNode n = MAPPER.readTree(r.body());
      String token = n.path("access_token").asText(null);
      if (token == null || token.isEmpty()) {
        throw new SourceException("Okta token response has no access_token", false);
      }
      accessToken = token;
      issued.add(token);
      log.addSecret(token);
      long ttl = n.path("expires_in").asLong(3600);
      expiresAt = clock.instant().plusSeconds(Math.max(0, ttl - 60));
    } catch (IOException e) {
      throw new SourceException("Okta token response is not JSON", true);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String b64url(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
