package io.leaverwatch.ingest;

import io.leaverwatch.core.redact.KnownSecrets;
import io.leaverwatch.core.redact.Redactor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way connectors log: every line is redacted (known token shapes and the configured secret
 * values) before it reaches slf4j or any listener.
 */
public final class IngestLog {
  private final Logger logger;
  private final Set<String> secrets = new CopyOnWriteArraySet<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public IngestLog(String name) {
    this.logger = LoggerFactory.getLogger("io.leaverwatch.ingest." + name);
  }

  public IngestLog addSecret(String secret) {
    if (secret != null && !secret.isBlank()) {
      secrets.add(secret);
      // and from every other logger's lines too (an HTTP client's at DEBUG)
      KnownSecrets.register(secret);
    }
    return this;
  }

  public IngestLog addListener(Consumer<String> listener) {
    listeners.add(listener);
    return this;
  }

  public String redact(String text) {
    return Redactor.redact(text, secrets);
  }

  public void info(String message) {
    String m = redact(message);
    logger.info(m);
    listeners.forEach(l -> l.accept("INFO " + m));
  }

  public void warn(String message) {
    String m = redact(message);
    logger.warn(m);
    listeners.forEach(l -> l.accept("WARN " + m));
  }

  public void error(String message) {
    String m = redact(message);
    logger.error(m);
    listeners.forEach(l -> l.accept("ERROR " + m));
  }
}
