package io.leaverwatch.core.detect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic ids: a SHA-256 over what a finding is about (type, person, rule and the key of its
 * window or step), so a replay or a restart upserts the same documents and PagerDuty dedup keys.
 */
public final class FindingIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private FindingIds() {}

  public static String of(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x1f);
      }
      byte[] d = md.digest();
      char[] out = new char[32];
      for (int i = 0; i < 16; i++) {
        out[i * 2] = HEX[(d[i] >> 4) & 0xf];
        out[i * 2 + 1] = HEX[d[i] & 0xf];
      }
      return new String(out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
