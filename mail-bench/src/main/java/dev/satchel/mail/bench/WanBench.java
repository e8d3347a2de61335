package dev.satchel.mail.bench;

import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.FaultProxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 6 ({@code --scenarios wan}): the listing of scenario 1 and the attachment of scenario 2
 * over a slow network link, the testkit's {@link FaultProxy} with {@link ConnectionScript#link} (by
 * default 20 ms each way, so 40 ms round trips, and 10 MB/s each way). Three result tables: {@code wan-list} (the listing),
 * {@code wan-raw} (the whole message undecoded, what {@code Mailbox.openRaw} gives) and
 * {@code wan-download} (the decoded attachment). Folders are seeded directly, not through the link.
 *
 * <p>The attachment is smaller than in scenario 2 by default ({@code --wan-attachment-mb}, 20 MB):
 * at 10 MB/s every run of every variant costs the attachment's base64 size divided by the rate.
 * Angus's defaults (16 KiB partial fetches, one round trip each) are left out: about 1,700 round trips
 * per 20 MB would take over a minute per run.
 */
final class WanBench {
  /** One measured variant: adds its result to a scenario. */
  @FunctionalInterface
  interface Results {
    void put(String scenario, Runner.Result result);
  }

  private final BenchTarget direct;
  private final MailBench.Options o;

  WanBench(BenchTarget direct, MailBench.Options o) {
    this.direct = direct;
    this.o = o;
  }

  /** The link in words, such as "20 ms each way, 10.0 MB/s". */
  static String linkName(MailBench.Options o) {
    return String.format(Locale.ROOT, "%d ms each way, %.1f MB/s", o.wanLatencyMillis, o.wanBytesPerSecond / 1_000_000.0);
  }

  void run(Results results) throws Exception {
    int bytes = o.wanAttachmentMb * 1024 * 1024;
    new ListingBench(direct, o.messages).seed();
    new DownloadBench(direct, bytes).seed();
    ConnectionScript link = ConnectionScript.link(Duration.ofMillis(o.wanLatencyMillis), o.wanBytesPerSecond);
    try (FaultProxy proxy = FaultProxy.builder().target(direct.host(), direct.imapPort()).defaultScript(link).start()) {
      BenchTarget via = direct.withImap(proxy.host(), proxy.port());
      System.out.println("  -- over a link of " + linkName(o) + ": listing " + o.messages + " summaries");
      ListingBench list = new ListingBench(via, o.messages);
      Map<String, Runner.Task> listing = new LinkedHashMap<>();
      listing.put("raw socket UID FETCH 1:*", list::rawSocket);
      listing.put("Satchel Mailbox.list", list::satchel);
      listing.put("Satchel engine listing (preview)", list::satchelEngine);
      listing.put("Angus + FetchProfile", list::angusFetchProfile);
      measure(results, "wan-list", listing, o.warmups, o.runs);

      DownloadBench download = new DownloadBench(via, bytes);
      download.seed(); // finds the UID (through the link: no appending)
      System.out.println("  -- over a link of " + linkName(o) + ": the whole " + o.wanAttachmentMb
          + " MB-attachment message, undecoded");
      Map<String, Runner.Task> raw = new LinkedHashMap<>();
      raw.put("raw socket BODY.PEEK[]", download.timedRaw(download::rawSocketRaw));
      raw.put("Satchel Mailbox.openRaw", download.timedRaw(download::satchelRaw));
      raw.put("Satchel engine BODY.PEEK[] (preview)", download.timedRaw(download::satchelEngineRaw));
      raw.put("Angus getMimeStream, fetchsize 1 MiB", download.timedRaw(download::angusRawFetchSize));
      measure(results, "wan-raw", raw, o.wanWarmups, o.wanRuns);

      System.out.println("  -- over a link of " + linkName(o) + ": the decoded " + o.wanAttachmentMb + " MB attachment");
      Map<String, Runner.Task> decoded = new LinkedHashMap<>();
      decoded.put("raw socket BODY.PEEK[2]", download.timed(download::rawSocket));
      decoded.put("Satchel fetch + MessagePart.open", download.timed(download::satchel));
      decoded.put("Satchel engine BODY.PEEK[2] (preview)", download.timed(download::satchelEngine));
      decoded.put("Angus fetchsize 1 MiB getContent/getInputStream", download.timed(download::angusFetchSize));
      measure(results, "wan-download", decoded, o.wanWarmups, o.wanRuns);
    }
  }

  private void measure(Results results, String scenario, Map<String, Runner.Task> variants, int warmups, int runs) {
    for (Map.Entry<String, Runner.Task> v : variants.entrySet()) {
      if (o.wants(v.getKey())) {
        results.put(scenario, Runner.measure(v.getKey(), warmups, runs, v.getValue()));
      }
    }
  }
}
