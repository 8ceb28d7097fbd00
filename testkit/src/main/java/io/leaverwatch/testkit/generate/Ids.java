package io.leaverwatch.testkit.generate;

import java.util.Base64;
import java.util.SplittableRandom;
import java.util.UUID;

/** Identifiers in the shapes the three sources use, drawn from a seeded generator. */
final class Ids {
  private static final char[] ALNUM =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final char[] UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private Ids() {}

  static String uuid(SplittableRandom rng) {
    long hi = (rng.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }

  static String alnum(SplittableRandom rng, int n) {
    return pick(rng, ALNUM, n);
  }

  static String upperAlnum(SplittableRandom rng, int n) {
    return pick(rng, UPPER_ALNUM, n);
  }

  static String accessKeyId(SplittableRandom rng, String prefix) {
    return prefix + pick(rng, BASE32, 16);
  }

  static String base64(SplittableRandom rng, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      b[i] = (byte) rng.nextInt(256);
    }
    return Base64.getEncoder().encodeToString(b);
  }

  /** GitHub's {@code _document_id}: 16 random bytes, URL-safe base64 without padding. */
  static String documentId(SplittableRandom rng) {
    byte[] b = new byte[16];
    for (int i = 0; i < 16; i++) {
      b[i] = (byte) rng.nextInt(256);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String pick(SplittableRandom rng, char[] alphabet, int n) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = alphabet[rng.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}
