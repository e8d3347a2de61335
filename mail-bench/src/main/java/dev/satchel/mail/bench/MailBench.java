package dev.satchel.mail.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark harness: for each server (the testkit's GreenMail in a child JVM, and Dovecot plus
 * Postfix when they listen on loopback) runs the scenarios, prints each variant's median and at the
 * end a table of ratios against the targets, and writes the same as Markdown.
 *
 * <p>Run with {@code mail-bench/run.sh [options]}; {@code --help} lists the options.
 */
public final class MailBench {
  private final Options o;
  private final Map<String, Map<String, Runner.Result>> results = new LinkedHashMap<>();
  private final List<String> skipped = new ArrayList<>();

  private MailBench(Options o) {
    this.o = o;
  }

  /**
   * Runs the benchmarks.
   *
   * @param args options; see {@code --help}
   * @throws Exception when the harness itself fails (a failing variant is reported, not thrown)
   */
  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Runner.budgetSeconds = o.budgetSeconds;
    if (o.help) {
      System.out.println(Options.HELP);
      return;
    }
    new MailBench(o).run();
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "mail-bench: %d messages, %d MB attachment, %d sends, %d new over POP3; %d warm-up + %d runs"
        + " (%d for the naive variants)%n", o.messages, o.attachmentMb, o.sends, o.fresh, o.warmups, o.runs, o.slowRuns);
    System.out.printf("JVM %s %s, %d processors, max heap %d MB%n", System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    if (o.scenarios.contains("wan")) {
      System.out.printf(Locale.ROOT, "wan: link of %s, %d MB attachment, %d warm-up + %d runs per download variant%n",
          WanBench.linkName(o), o.wanAttachmentMb, o.wanWarmups, o.wanRuns);
    }
    if (o.scenarios.contains(SendWanBench.SCENARIO)) {
      System.out.printf(Locale.ROOT, "sendwan: %d sends through a link of %s%n", o.wanSends(), WanBench.linkName(o));
    }
    if (o.targets.contains("greenmail")) {
      Path log = Files.createTempFile("mail-bench-greenmail", ".log");
      try (GreenMailProcess gm = GreenMailProcess.start(o.greenUser, o.greenSink, log, o.greenMailHeap)) {
        runTarget(gm.target());
      }
    }
    if (o.targets.contains("dovecot")) {
      BenchTarget dovecot = new BenchTarget("Dovecot 2.3 + Postfix 3.7", "127.0.0.1", o.dovecotImap, o.dovecotPop3,
          o.postfixSmtp, o.dovecotUser, o.dovecotSink);
      if (listening(dovecot.host(), dovecot.imapPort()) && listening(dovecot.host(), dovecot.pop3Port())
          && listening(dovecot.host(), dovecot.smtpPort())) {
        runTarget(dovecot);
      } else {
        String why = "Dovecot/Postfix not listening on 127.0.0.1:" + dovecot.imapPort() + "/" + dovecot.pop3Port() + "/"
            + dovecot.smtpPort() + " (start them with interop/harness/start.sh); skipped";
        System.out.println(why);
        skipped.add(why);
      }
    }
    Report report = new Report(results, skipped, o);
    report.print(System.out);
    if (o.out != null) {
      try (PrintStream md = new PrintStream(Files.newOutputStream(o.out), true, StandardCharsets.UTF_8)) {
        report.markdown(md);
      }
      System.out.println("Markdown written to " + o.out);
    }
    Path svg = o.svgPath();
    if (svg != null) {
      Files.writeString(svg, RatioChart.svg(results, report::title), StandardCharsets.UTF_8);
      System.out.println("Chart of the ratios to the raw socket written to " + svg);
    }
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Measures a variant (see {@link Runner#measure}) unless {@code --variants} leaves it out. */
  private void measure(BenchTarget t, String scenario, String variant, int warmups, int runs, Runner.Task task,
      boolean budgeted) {
    if (o.wants(variant)) {
      put(t, scenario, Runner.measure(variant, warmups, runs, task, budgeted));
    }
  }

  private void put(BenchTarget t, String scenario, Runner.Result r) {
    results.computeIfAbsent(t.name() + "|" + scenario, k -> new LinkedHashMap<>()).put(r.variant(), r);
  }

  private void runTarget(BenchTarget t) throws Exception {
    System.out.println();
    System.out.println("=== " + t.name() + " (imap " + t.imapPort() + ", pop3 " + t.pop3Port() + ", smtp " + t.smtpPort()
        + ", user " + t.user() + ", sink " + t.sink() + ") ===");
    try (RawImap check = t.rawImap()) {
      check.ok("NOOP");
      if (o.scenarios.contains("send") || o.scenarios.contains(SendWanBench.SCENARIO)) {
        try (RawImap sinkCheck = t.rawSinkImap()) {
          sinkCheck.ok("NOOP");
        }
      }
    } catch (IOException e) {
      String why = t.name() + ": cannot log in as " + t.user() + " and " + t.sink() + " over IMAP (" + e.getMessage()
          + "); see BENCHMARKS.md for adding the benchmark accounts; skipped";
      System.out.println(why);
      skipped.add(why);
      return;
    }
    if (o.scenarios.contains("list")) {
      listing(t);
    }
    if (o.scenarios.contains("download")) {
      download(t);
    }
    if (o.scenarios.contains("pop3")) {
      pop3(t);
    }
    if (o.scenarios.contains("send")) {
      send(t);
    }
    if (o.scenarios.contains("compress")) {
      compression(t);
    }
    if (o.scenarios.contains("wan")) {
      new WanBench(t, o).run((scenario, r) -> put(t, scenario, r));
    }
    if (o.scenarios.contains(SendWanBench.SCENARIO)) {
      new SendWanBench(t, o).run((scenario, r) -> put(t, scenario, r));
    }
  }

  private void compression(BenchTarget t) throws Exception {
    try (RawImap imap = t.rawImap()) {
      if (!imap.capabilities().toUpperCase(Locale.ROOT).contains("COMPRESS=DEFLATE")) {
        System.out.println("  -- compression: " + t.name() + " does not offer COMPRESS=DEFLATE; skipped");
        return;
      }
    }
    CompressionBench c = new CompressionBench(t, o.linkBytesPerSecond);
    System.out.println("  -- listing " + o.messages + " summaries with and without COMPRESS=DEFLATE (loopback and "
        + c.linkName() + ")");
    ListingBench list = new ListingBench(t, o.messages);
    list.seed();
    for (Runner.Result r : c.measure(o.warmups, o.runs, list::satchel)) {
      put(t, "compress-list", r);
    }
    System.out.println("  -- downloading a " + o.compressMb + " MB attachment with and without COMPRESS=DEFLATE");
    DownloadBench download = new DownloadBench(t, o.compressMb * 1024 * 1024);
    download.seed();
    for (Runner.Result r : c.measure(o.warmups, o.runs, (settings, options) -> {
      DownloadBench.Sink sink = download.new Sink(false);
      download.satchel(sink, settings, options);
      return sink.finish();
    })) {
      put(t, "compress-download", r);
    }
  }

  private void listing(BenchTarget t) throws IOException {
    String sc = "list";
    System.out.println("  -- listing " + o.messages + " summaries");
    ListingBench b = new ListingBench(t, o.messages);
    b.seed();
    measure(t, sc, "raw socket UID FETCH 1:*", o.warmups, o.runs, b::rawSocket, false);
    measure(t, sc, "Satchel Mailbox.list", o.warmups, o.runs, b::satchel, false);
    measure(t, sc, "Satchel engine listing (preview)", o.warmups, o.runs, b::satchelEngine, false);
    measure(t, sc, "Angus + FetchProfile", o.warmups, o.runs, b::angusFetchProfile, false);
    measure(t, sc, "naive Jakarta Mail getters", 0, o.slowRuns, b::naiveAngus, true);
  }

  private void download(BenchTarget t) throws Exception {
    String sc = "download";
    System.out.println("  -- downloading a " + o.attachmentMb + " MB attachment");
    DownloadBench b = new DownloadBench(t, o.attachmentMb * 1024 * 1024);
    b.seed();
    Map<String, DownloadBench.Download> variants = new LinkedHashMap<>();
    variants.put("raw socket BODY.PEEK[2]", b::rawSocket);
    variants.put("Satchel fetch + MessagePart.open", b::satchel);
    variants.put("Satchel engine BODY.PEEK[2] (preview)", b::satchelEngine);
    variants.put("Angus defaults getContent/getInputStream", b::angusDefaults);
    for (Map.Entry<String, DownloadBench.Download> v : variants.entrySet()) {
      if (!o.wants(v.getKey())) {
        continue;
      }
      boolean slow = v.getKey().startsWith("Angus");
      Runner.Result r = Runner.measure(v.getKey(), o.warmups, slow ? o.slowRuns : o.runs, b.timed(v.getValue()), slow);
      if (r.ok() && r.note().contains("extrapolated")) {
        System.out.println("      live heap growth not measured (the run did not finish within the time budget)");
      } else if (r.ok()) {
        long growth = b.heapGrowth(v.getValue());
        System.out.printf(Locale.ROOT, "      live heap growth %.1f MB%n", growth / 1048576.0);
        r = r.withNote("heap=" + growth);
      }
      put(t, sc, r);
    }
    // the whole message undecoded, what Mailbox.openRaw gives
    Map<String, Runner.Task> raw = new LinkedHashMap<>();
    raw.put("raw socket BODY.PEEK[]", b.timedRaw(b::rawSocketRaw));
    raw.put("Satchel Mailbox.openRaw", b.timedRaw(b::satchelRaw));
    raw.put("Satchel engine BODY.PEEK[] (preview)", b.timedRaw(b::satchelEngineRaw));
    for (Map.Entry<String, Runner.Task> v : raw.entrySet()) {
      if (o.wants(v.getKey())) {
        put(t, "download-raw", Runner.measure(v.getKey(), o.warmups, o.runs, v.getValue(), false));
      }
    }
  }

  private void send(BenchTarget t) throws Exception {
    System.out.println("  -- sending " + o.sends + " messages");
    SendBench b = new SendBench(t, o.sends);
    b.clearSink();
    for (Map.Entry<String, SendBench.SendFn> v : b.variants(false).entrySet()) {
      if (o.wants(v.getKey())) {
        put(t, "send", b.measure(v.getKey(), v.getValue(), o.warmups, o.runs, o.slowRuns));
      }
    }
  }

  private void pop3(BenchTarget t) throws Exception {
    System.out.println("  -- POP3 poll of " + o.messages + " messages");
    Pop3Bench b = new Pop3Bench(t, o.messages, o.fresh);
    b.seed();
    for (String sc : List.of("pop3-none", "pop3-new")) {
      if (sc.equals("pop3-new")) {
        b.addNew();
      }
      System.out.println("    " + (b.expectedNew() == 0 ? "none new" : b.expectedNew() + " new"));
      measure(t, sc, "raw socket UIDL + RETR", o.warmups, o.runs, b::rawSocket, false);
      measure(t, sc, "Satchel InboxProcessor.runOnce", o.warmups, o.runs, b::satchelProcessor, false);
      measure(t, sc, "Angus + FetchProfile(UID)", o.warmups, o.runs, b::angusFetchProfile, false);
      measure(t, sc, "naive Angus getMessages + getUID", 0, o.slowRuns, b::naiveAngus, true);
    }
    b.removeNew();
  }

  /** Command-line options. */
  static final class Options {
    static final String HELP = String.join("\n",
        "mail-bench [options]",
        "  --targets greenmail,dovecot     servers to measure (default: both; Dovecot only when it listens)",
        "  --scenarios list,download,pop3,send,compress,wan (default), and sendwan: sending over the wan link (tens of\n"
            + "                                  minutes at 1,000 sends)",
        "  --variants TEXT,...             list, download, pop3, send(wan): only variants whose name contains one of these\n"
            + "                                  (case-insensitive; default all)",
        "  --messages N                    folder size for listing and POP3 (default 10000)",
        "  --attachment-mb N               attachment size (default 50)",
        "  --sends N                       messages per sending run (default 1000)",
        "  --compress-mb N                 attachment size in the compression scenario (default 10)",
        "  --link-bytes-per-second N       link speed in the compression scenario (default 2000000)",
        "  --wan-latency-ms N              wan: latency each way of the proxied link (default 20)",
        "  --wan-bytes-per-second N        wan: bandwidth each way of the link (default 10000000)",
        "  --wan-attachment-mb N           wan: attachment size (default 20: each run moves it at the link's rate)",
        "  --wan-warmups N --wan-runs N    wan: per download variant (default 1 and 3; listing uses --warmups/--runs)",
        "  --wan-sends N                   sendwan: messages per sending run, every variant (default: --sends)",
        "  --new N                         new messages in the second POP3 poll (default 100)",
        "  --warmups N --runs N            per variant (default 1 and 3)",
        "  --slow-runs N                   measured runs of the naive variants, no warm-up (default 2)",
        "  --budget-seconds N              time budget of one naive run; past it the time is extrapolated (default 90)",
        "  --dovecot-user a@b:pw           account holding the seeded folders (default bench@example.test:bench-pw)",
        "  --dovecot-sink a@b:pw           account receiving sent mail (default sink@example.test:sink-pw)",
        "  --dovecot-ports imap,pop3,smtp  (default 11143,11110,11025)",
        "  --greenmail-heap SIZE           heap of the GreenMail child JVM (default 3g)",
        "  --out FILE                      also write the results as Markdown",
        "  --svg FILE                      write a chart of the ratios to the raw socket (default: beside --out,\n"
            + "                                  bench-results.md -> bench-results-ratios.svg)");

    boolean help;
    Set<String> targets = Set.of("greenmail", "dovecot");
    Set<String> scenarios = Set.of("list", "download", "pop3", "send", "compress", "wan");
    List<String> variants = List.of();
    int messages = 10_000;
    int attachmentMb = 50;
    int sends = 1000;
    int compressMb = 10;
    long linkBytesPerSecond = 2_000_000;
    int fresh = 100;
    int wanLatencyMillis = 20;
    long wanBytesPerSecond = 10_000_000;
    int wanAttachmentMb = 20;
    int wanWarmups = 1;
    int wanRuns = 3;
    int wanSends;
    int warmups = 1;
    int runs = 3;
    int slowRuns = 2;
    int budgetSeconds = 90;
    BenchTarget.Account dovecotUser = new BenchTarget.Account("bench@example.test", "bench-pw");
    BenchTarget.Account dovecotSink = new BenchTarget.Account("sink@example.test", "sink-pw");
    BenchTarget.Account greenUser = new BenchTarget.Account("bench@example.test", "bench-pw");
    BenchTarget.Account greenSink = new BenchTarget.Account("sink@example.test", "sink-pw");
    int dovecotImap = 11143;
    int dovecotPop3 = 11110;
    int postfixSmtp = 11025;
    String greenMailHeap = "3g";
    @org.jspecify.annotations.Nullable Path out;
    @org.jspecify.annotations.Nullable Path svg;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          o.help = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value; see --help");
        }
        String v = args[++i];
        switch (a) {
          case "--targets" -> o.targets = Set.of(v.split(","));
          case "--scenarios" -> o.scenarios = Set.of(v.split(","));
          case "--variants" -> o.variants = List.of(v.toLowerCase(Locale.ROOT).split(","));
          case "--messages" -> o.messages = positive(a, v);
          case "--attachment-mb" -> o.attachmentMb = positive(a, v);
          case "--sends" -> o.sends = positive(a, v);
          case "--compress-mb" -> o.compressMb = positive(a, v);
          case "--link-bytes-per-second" -> o.linkBytesPerSecond = positive(a, v);
          case "--new" -> o.fresh = positive(a, v);
          case "--wan-latency-ms" -> o.wanLatencyMillis = Integer.parseInt(v);
          case "--wan-bytes-per-second" -> o.wanBytesPerSecond = positive(a, v);
          case "--wan-attachment-mb" -> o.wanAttachmentMb = positive(a, v);
          case "--wan-warmups" -> o.wanWarmups = Integer.parseInt(v);
          case "--wan-runs" -> o.wanRuns = positive(a, v);
          case "--wan-sends" -> o.wanSends = positive(a, v);
          case "--warmups" -> o.warmups = Integer.parseInt(v);
          case "--runs" -> o.runs = positive(a, v);
          case "--slow-runs" -> o.slowRuns = positive(a, v);
          case "--budget-seconds" -> o.budgetSeconds = Integer.parseInt(v);
          case "--dovecot-user" -> o.dovecotUser = BenchTarget.Account.parse(v);
          case "--dovecot-sink" -> o.dovecotSink = BenchTarget.Account.parse(v);
          case "--dovecot-ports" -> {
            String[] p = v.split(",");
            o.dovecotImap = Integer.parseInt(p[0]);
            o.dovecotPop3 = Integer.parseInt(p[1]);
            o.postfixSmtp = Integer.parseInt(p[2]);
          }
          case "--greenmail-heap" -> o.greenMailHeap = v;
          case "--out" -> o.out = Path.of(v);
          case "--svg" -> o.svg = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + a + "; see --help");
        }
      }
      return o;
    }

    /** Where the chart goes: {@code --svg}, else beside {@code --out} ({@code x.md} -> {@code x-ratios.svg}), else nowhere. */
    @org.jspecify.annotations.Nullable Path svgPath() {
      if (svg != null) {
        return svg;
      }
      Path md = out;
      if (md == null) {
        return null;
      }
      String name = md.getFileName().toString().replaceFirst("\\.md$", "");
      return md.resolveSibling(name + "-ratios.svg");
    }

    /** Messages per sending run over the link: {@code --wan-sends}, else {@code --sends}. */
    int wanSends() {
      return wanSends > 0 ? wanSends : sends;
    }

    /** True when {@code variant} is selected by {@code --variants}. */
    boolean wants(String variant) {
      String name = variant.toLowerCase(Locale.ROOT);
      return variants.isEmpty() || variants.stream().anyMatch(name::contains);
    }

    private static int positive(String name, String v) {
      int n = Integer.parseInt(v);
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be positive, was " + v);
      }
      return n;
    }
  }

  static String now() {
    return ZonedDateTime.now().toString();
  }
}
