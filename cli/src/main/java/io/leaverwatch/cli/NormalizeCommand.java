package io.leaverwatch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.leaverwatch.core.json.AuditEventJson;
import io.leaverwatch.core.json.Json;
import io.leaverwatch.core.normalize.ActionClassifier;
import io.leaverwatch.core.normalize.EventNormalizer;
import io.leaverwatch.core.normalize.Normalization;
import io.leaverwatch.core.normalize.RulesDirectory;
import io.leaverwatch.core.read.ReadItem;
import io.leaverwatch.core.read.RecordReader;
import io.leaverwatch.core.read.UnreadableInputException;
import io.leaverwatch.core.redact.Redactor;
import io.leaverwatch.core.rules.RuleFileException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code leaverwatch normalize}: audit logs in, one AuditEvent JSON per line out. */
@Command(
    name = "normalize",
    mixinStandardHelpOptions = true,
    description = {
      "Normalises CloudTrail, Okta and GitHub audit logs (NDJSON, JSON documents, .gz, folders)",
      "into one AuditEvent JSON per line; rejected records go to --dlq with their reason.",
      "Counts: records in = events out + rejected (an envelope holding k events counts k)."
    })
public final class NormalizeCommand implements Callable<Integer> {
  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--in",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "input files or folders (read recursively, in sorted order)")
  List<Path> inputs;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "events NDJSON")
  Path out;

  @Option(names = "--dlq", paramLabel = "FILE", description = "rejected records NDJSON")
  Path dlq;

  @Option(
      names = "--rules",
      paramLabel = "DIR",
      description = "rules folder (default: -Dleaverwatch.rules, $LEAVERWATCH_HOME/rules, ./rules)")
  Path rules;

  @Override
  public Integer call() throws IOException {
    for (Path in : inputs) {
      if (!Files.exists(in)) {
        throw new UsageException("--in: no such file or folder: " + in);
      }
      if (!Files.isReadable(in)) {
        throw new UsageException("--in: not readable: " + in);
      }
    }
    ActionClassifier classifier;
    try {
      classifier = ActionClassifier.load(rules != null ? rules : RulesDirectory.resolve());
    } catch (RuleFileException e) {
      throw new UsageException(e.getMessage(), e);
    }
    EventNormalizer normalizer = new EventNormalizer(classifier);
    long in = 0;
    long events = 0;
    long rejected = 0;
    long lastProgress = System.nanoTime();
    try (OutputStream eventsOut = open(out, "--out");
        OutputStream dlqOut = dlq == null ? OutputStream.nullOutputStream() : open(dlq, "--dlq");
        RecordReader reader = RecordReader.open(inputs, Clock.systemUTC())) {
      while (reader.hasNext()) {
        ReadItem item = reader.next();
        List<Normalization> results =
            item instanceof ReadItem.Record r
                ? normalizer.normalize(r.record())
                : List.of(((ReadItem.Oversized) item).toRejection());
        for (Normalization n : results) {
          in++;
          if (n instanceof Normalization.Normalized ok) {
            AuditEventJson.write(ok.event(), eventsOut);
            eventsOut.write('\n');
            events++;
          } else {
            writeRejection((Normalization.Rejection) n, dlqOut);
            rejected++;
          }
        }
        long now = System.nanoTime();
        if (now - lastProgress > PROGRESS_EVERY_NANOS) {
          lastProgress = now;
          spec.commandLine()
              .getErr()
              .printf("normalize: %d records, %d events, %d rejected%n", in, events, rejected);
        }
      }
    } catch (UnreadableInputException e) {
      throw new UsageException(e.getMessage(), e);
    }
    spec.commandLine()
        .getOut()
        .printf("records in: %d, events out: %d, rejected: %d%n", in, events, rejected);
    return 0;
  }

  private static OutputStream open(Path file, String flag) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    } catch (IOException | RuntimeException e) {
      throw new UsageException(flag + ": cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** One JSON line per rejection; the original as text when it is UTF-8, else as base64. */
  static void writeRejection(Normalization.Rejection r, OutputStream out) throws IOException {
    try (JsonGenerator g =
        Json.factory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
      g.writeStartObject();
      g.writeStringField("reason", Redactor.redact(r.reason()));
      g.writeStringField("origin", r.origin());
      g.writeStringField("cursor", r.cursor());
      g.writeStringField("source_hint", r.sourceHint());
      String text = strictUtf8(r.original());
      if (text != null) {
        g.writeStringField("original", text);
      } else {
        g.writeStringField("original", new String(r.original(), StandardCharsets.UTF_8));
        g.writeStringField("original_base64", Base64.getEncoder().encodeToString(r.original()));
      }
      g.writeEndObject();
    }
    out.write('\n');
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
