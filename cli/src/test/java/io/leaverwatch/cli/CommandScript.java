package io.leaverwatch.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Runs command lines one after the other in this JVM, as {@code leaverwatch} would (one per line of
 * a file, arguments separated by tabs), and prints each exit code; for {@link
 * SecretsNeverLoggedITCase}, which starts it as a child process with secrets in its environment.
 */
public final class CommandScript {
  private CommandScript() {}

  public static void main(String[] args) throws Exception {
    io.leaverwatch.core.avro.AvroFastReader.enable();
    if (args.length > 1) {
      // stands in for the wire log of an HTTP client at DEBUG posting a request with a private key,
      // a JWT client assertion and webhook URLs in its body (no client here logs bodies by itself)
      LoggerFactory.getLogger("org.apache.hc.client5.http.wire")
          .debug(Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
    }
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      int exit = Main.run(line.split("\t"));
      System.out.println("### exit " + exit + " :: " + line.replace('\t', ' '));
      System.out.flush();
    }
    System.exit(0);
  }
}
