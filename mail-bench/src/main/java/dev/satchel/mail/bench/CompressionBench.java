package dev.satchel.mail.bench;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.Direction;
import dev.satchel.mail.testkit.FaultProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 5: Satchel with and without IMAP COMPRESS=DEFLATE (RFC 4978), for the listing of scenario 1
 * and the attachment download of scenario 2, once straight over loopback and once through the
 * testkit's {@link FaultProxy} capped at a link speed in each direction. The proxy is protocol-unaware
 * (it forwards compressed bytes) and counts the bytes sent to the client, so each variant also
 * reports what crossed the wire. Only servers that offer COMPRESS=DEFLATE are measured.
 */
final class CompressionBench {
  private final BenchTarget target;
  private final long linkBytesPerSecond;

  CompressionBench(BenchTarget target, long linkBytesPerSecond) {
    this.target = target;
    this.linkBytesPerSecond = linkBytesPerSecond;
  }

  /** A measured run that needs settings to connect with. */
  @FunctionalInterface
  interface Variant {
    long run(MailSettings settings, MailboxOptions options) throws Exception;
  }

  /** The link name used in the variant names, such as "2.0 MB/s link". */
  String linkName() {
    return String.format(Locale.ROOT, "%.1f MB/s link", linkBytesPerSecond / 1_000_000.0);
  }

  /**
   * Measures {@code variant} plain and compressed, over loopback and over the capped link.
   *
   * @return the four results, named "loopback, plain", "loopback, COMPRESS=DEFLATE" and the same
   *     for the link; the link results carry {@code bytes=N} (bytes to the client per run) in their note
   */
  List<Runner.Result> measure(int warmups, int runs, Variant variant) {
    List<Runner.Result> out = new ArrayList<>();
    MailSettings direct = target.satchel(Protocol.IMAP);
    for (boolean compress : new boolean[] {false, true}) {
      MailboxOptions options = MailboxOptions.builder().compression(compress ? MailboxOptions.Compression.ON : MailboxOptions.Compression.OFF).build();
      out.add(Runner.measure("loopback, " + label(compress), warmups, runs, () -> variant.run(direct, options)));
    }
    for (boolean compress : new boolean[] {false, true}) {
      MailboxOptions options = MailboxOptions.builder().compression(compress ? MailboxOptions.Compression.ON : MailboxOptions.Compression.OFF).build();
      ConnectionScript link = ConnectionScript.builder().bandwidth(Direction.TO_CLIENT, linkBytesPerSecond)
          .bandwidth(Direction.TO_SERVER, linkBytesPerSecond).build();
      try (FaultProxy proxy = FaultProxy.startRaw(target.host(), target.imapPort()).defaultScript(link)) {
        MailSettings routed = proxy.route(direct);
        Runner.Result r = Runner.measure(linkName() + ", " + label(compress), warmups, runs,
            () -> variant.run(routed, options));
        long perRun = proxy.bytesToClient() / Math.max(1, warmups + runs);
        System.out.printf(Locale.ROOT, "      %.1f KB to the client per run%n", perRun / 1024.0);
        out.add(r.withNote("bytes=" + perRun));
      }
    }
    return out;
  }

  private static String label(boolean compress) {
    return compress ? "COMPRESS=DEFLATE" : "plain";
  }

  /** Bytes to the client per run from a result's note, or -1. */
  static long bytes(Runner.Result r) {
    for (String part : r.note().split("; ")) {
      if (part.startsWith("bytes=")) {
        return Long.parseLong(part.substring(6));
      }
    }
    return -1;
  }
}
