package io.leaverwatch.cli.log;

import io.leaverwatch.core.redact.KnownSecrets;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginElement;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.layout.AbstractStringLayout;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Wraps the layout of an appender and redacts the whole formatted event (message, exception, stack
 * trace) with {@link KnownSecrets#redact}: known token shapes and every secret value the process
 * knows. Every appender in {@code log4j2.xml} uses it, so a line of any logger at any level —
 * Flink's, Kafka's, the AWS SDK's, an HTTP client's wire log at DEBUG — passes through it.
 *
 * <pre>{@code
 * <Console name="stderr" target="SYSTEM_ERR">
 *   <RedactingLayout><PatternLayout pattern="%d %-5level %c{1} - %m%n"/></RedactingLayout>
 * </Console>
 * }</pre>
 */
@Plugin(
    name = "RedactingLayout",
    category = Node.CATEGORY,
    elementType = Layout.ELEMENT_TYPE,
    printObject = true)
public final class RedactingLayout extends AbstractStringLayout {
  private final Layout<? extends Serializable> inner;

  private RedactingLayout(Charset charset, Layout<? extends Serializable> inner) {
    super(charset);
    this.inner = inner;
  }

  @PluginFactory
  public static RedactingLayout createLayout(
      @PluginElement("Layout") Layout<? extends Serializable> layout,
      @PluginAttribute(value = "charset", defaultString = "UTF-8") Charset charset) {
    Layout<? extends Serializable> in =
        layout != null ? layout : PatternLayout.newBuilder().withPattern("%m%n").build();
    return new RedactingLayout(charset == null ? StandardCharsets.UTF_8 : charset, in);
  }

  @Override
  public String toSerializable(LogEvent event) {
    Serializable s = inner.toSerializable(event);
    String text = s instanceof String str ? str : String.valueOf(s);
    return KnownSecrets.redact(text);
  }

  @Override
  public String getContentType() {
    return inner.getContentType();
  }
}
