package dev.satchel.mail.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the medians into tables of ratios and checks them against the targets of issues 8 and 15. */
final class Report {
  private static final String SATCHEL_LIST = "Satchel Mailbox.list";
  private static final String RAW_LIST = "raw socket UID FETCH 1:*";
  private static final String NAIVE_LIST = "naive Jakarta Mail getters";
  private static final String SATCHEL_DOWNLOAD = "Satchel fetch + MessagePart.open";
  private static final String RAW_DOWNLOAD = "raw socket BODY.PEEK[2]";

  private final Map<String, Map<String, Runner.Result>> results;
  private final List<String> skipped;
  private final MailBench.Options o;

  Report(Map<String, Map<String, Runner.Result>> results, List<String> skipped, MailBench.Options o) {
    this.results = results;
    this.skipped = skipped;
    this.o = o;
  }

  /** One line of the targets table; not measured when a variant it needs failed or did not run. */
  record Verdict(String target, String scenario, String goal, String measured, boolean met) {
    Verdict {
      if (measured.contains("NaN")) {
        measured = "not measured";
        met = false;
      }
    }

    String status() {
      return measured.equals("not measured") ? "n/a" : met ? "met" : "MISSED";
    }
  }

  void print(PrintStream out) {
    out.println();
    out.println("==================== results (medians) ====================");
    for (Map.Entry<String, Map<String, Runner.Result>> e : results.entrySet()) {
      out.println();
      out.println(title(e.getKey()));
      for (String row : rows(e.getKey(), e.getValue())) {
        out.println("  " + row.replace("|", " ").replaceAll("  +", "  ").trim());
      }
    }
    out.println();
    out.println("==================== targets ====================");
    for (Verdict v : verdicts()) {
      out.printf(Locale.ROOT, "  %-28s %-12s %-34s %-40s %s%n", v.target(), v.scenario(), v.goal(), v.measured(),
          v.status());
    }
    for (String s : skipped) {
      out.println("  " + s);
    }
  }

  void markdown(PrintStream md) {
    md.printf(Locale.ROOT, "Run: %s; %d messages, %d MB attachment, %d sends, %d new; %d warm-up + %d runs (naive: %d runs)."
        + " JVM %s, %d processors.%n%n", MailBench.now(), o.messages, o.attachmentMb, o.sends, o.fresh, o.warmups, o.runs,
        o.slowRuns, System.getProperty("java.runtime.version"), Runtime.getRuntime().availableProcessors());
    if (o.scenarios.contains("wan")) {
      md.printf(Locale.ROOT, "wan: through the testkit's FaultProxy, a link of %s; %d MB attachment; downloads %d warm-up"
          + " + %d runs.%n%n", WanBench.linkName(o), o.wanAttachmentMb, o.wanWarmups, o.wanRuns);
    }
    if (o.scenarios.contains(SendWanBench.SCENARIO)) {
      md.printf(Locale.ROOT, "sendwan: %d sends per run through the testkit's FaultProxy, a link of %s.%n%n", o.wanSends(),
          WanBench.linkName(o));
    }
    List<Verdict> verdicts = verdicts();
    if (!verdicts.isEmpty()) {
      md.println("| server | scenario | target | measured | |");
      md.println("|---|---|---|---|---|");
      for (Verdict v : verdicts) {
        md.printf("| %s | %s | %s | %s | %s |%n", v.target(), v.scenario(), v.goal(), v.measured(),
            v.status().equals("MISSED") ? "**missed**" : v.status());
      }
      md.println();
    }
    for (Map.Entry<String, Map<String, Runner.Result>> e : results.entrySet()) {
      md.println("#### " + title(e.getKey()));
      md.println();
      List<String> rows = rows(e.getKey(), e.getValue());
      md.println("| " + rows.get(0) + " |");
      md.println("|" + "---|".repeat(rows.get(0).split("\\|").length));
      for (String r : rows.subList(1, rows.size())) {
        md.println("| " + r + " |");
      }
      md.println();
    }
    for (String s : skipped) {
      md.println("- " + s);
    }
  }

  /** The heading of a result table, from its key {@code "target|scenario"}. */
  String title(String key) {
    String[] k = key.split("\\|");
    String what = switch (k[1]) {
      case "list" -> "listing " + o.messages + " message summaries";
      case "download" -> "downloading a " + o.attachmentMb + " MB attachment";
      case "download-raw" -> "the whole message with a " + o.attachmentMb + " MB attachment, undecoded (openRaw)";
      case "send" -> "sending " + o.sends + " messages";
      case SendWanBench.SCENARIO -> "sending " + o.wanSends() + " messages over a link of " + WanBench.linkName(o);
      case "pop3-none" -> "POP3 poll of " + o.messages + " messages, none new";
      case "pop3-new" -> "POP3 poll of " + o.messages + " messages, " + o.fresh + " new";
      case "compress-list" -> "Satchel listing " + o.messages + " summaries with and without COMPRESS=DEFLATE";
      case "compress-download" -> "Satchel downloading a " + o.compressMb + " MB attachment with and without COMPRESS=DEFLATE";
      case "wan-list" -> "listing " + o.messages + " message summaries over a link of " + WanBench.linkName(o);
      case "wan-raw" -> "the whole message with a " + o.wanAttachmentMb + " MB attachment, undecoded, over a link of "
          + WanBench.linkName(o);
      case "wan-download" -> "downloading a " + o.wanAttachmentMb + " MB attachment over a link of " + WanBench.linkName(o);
      default -> k[1];
    };
    return k[0] + ": " + what;
  }

  private List<String> rows(String key, Map<String, Runner.Result> m) {
    String sc = key.split("\\|")[1];
    List<String> rows = new ArrayList<>();
    switch (sc) {
      case "list" -> {
        rows.add("variant | median s | msgs/s | time vs raw socket | speed-up vs naive | alloc MB/run | runs s");
        double raw = median(m, RAW_LIST);
        double naive = median(m, NAIVE_LIST);
        for (Runner.Result r : m.values()) {
          rows.add(r.ok()
              ? String.format(Locale.ROOT, "%s | %.3f | %.0f | %.2fx | %.1fx | %.0f | %s", r.variant(), r.median(),
                  o.messages / r.median(), r.median() / raw, naive / r.median(), r.allocatedBytes() / 1048576.0, runs(r))
              : r.variant() + " | failed: " + r.error() + " | | | | |");
        }
      }
      case "download" -> {
        rows.add("variant | median s | MB/s | throughput vs raw socket | live heap growth MB | alloc MB/run | runs s");
        double raw = median(m, RAW_DOWNLOAD);
        for (Runner.Result r : m.values()) {
          rows.add(r.ok()
              ? String.format(Locale.ROOT, "%s | %.3f | %.1f | %.2fx | %s | %.0f | %s", r.variant(), r.median(),
                  o.attachmentMb / r.median(), raw / r.median(),
                  heap(r) < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", heap(r) / 1048576.0), r.allocatedBytes() / 1048576.0,
                  runs(r))
              : r.variant() + " | failed: " + r.error() + " | | | | |");
        }
      }
      case "send", SendWanBench.SCENARIO -> {
        boolean wan = sc.equals(SendWanBench.SCENARIO);
        int sends = wan ? o.wanSends() : o.sends;
        rows.add("variant | median s | msgs/s | speed vs raw floor | speed vs one Angus Transport | speed vs best peer | runs s"
            + (wan ? " | through the proxy" : ""));
        double raw = median(m, SendBench.RAW);
        double angus = median(m, SendBench.ANGUS_ONE);
        double best = bestPeer(m);
        for (Runner.Result r : m.values()) {
          String seen = wan ? " | " + SendWanBench.seen(r) : "";
          rows.add(r.ok()
              ? String.format(Locale.ROOT, "%s | %.3f | %.0f | %.2fx | %.2fx | %.2fx | %s", r.variant(), r.median(),
                  sends / r.median(), raw / r.median(), angus / r.median(), best / r.median(), runs(r)) + seen
              : r.variant() + " | failed: " + r.error() + " | | | | |" + (wan ? " |" : ""));
        }
      }
      case "compress-list", "compress-download" -> {
        rows.add("variant | median s | time vs plain on the same link | KB to the client per run | runs s");
        for (Runner.Result r : m.values()) {
          String plain = r.variant().replace("COMPRESS=DEFLATE", "plain");
          long bytes = CompressionBench.bytes(r);
          rows.add(r.ok()
              ? String.format(Locale.ROOT, "%s | %.3f | %.2fx | %s | %s", r.variant(), r.median(),
                  r.median() / median(m, plain), bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", bytes / 1024.0),
                  runs(r))
              : r.variant() + " | failed: " + r.error() + " | | |");
        }
      }
      case "wan-list" -> {
        rows.add("variant | median s | msgs/s | time vs raw socket | alloc MB/run | runs s");
        double raw = median(m, RAW_LIST);
        for (Runner.Result r : m.values()) {
          rows.add(r.ok()
              ? String.format(Locale.ROOT, "%s | %.3f | %.0f | %.2fx | %.0f | %s", r.variant(), r.median(), o.messages / r.median(),
                  r.median() / raw, r.allocatedBytes() / 1048576.0, runs(r))
              : r.variant() + " | failed: " + r.error() + " | | | |");
        }
      }
      case "wan-raw", "wan-download", "download-raw" -> {
        rows.add("variant | median s | MB/s | throughput vs raw socket | alloc MB/run | runs s");
        double raw = median(m, sc.equals("wan-download") ? RAW_DOWNLOAD : "raw socket BODY.PEEK[]");
        for (Runner.Result r : m.values()) {
          rows.add(r.ok()
              ? String.format(Locale.ROOT, "%s | %.3f | %.1f | %.2fx | %.0f | %s", r.variant(), r.median(),
                  r.items() / 1048576.0 / r.median(), raw / r.median(), r.allocatedBytes() / 1048576.0, runs(r))
              : r.variant() + " | failed: " + r.error() + " | | | |");
        }
      }
      default -> {
        rows.add("variant | median s | time vs raw socket | time vs Angus + FetchProfile | speed-up vs naive | runs s");
        double raw = median(m, "raw socket UIDL + RETR");
        double angus = median(m, "Angus + FetchProfile(UID)");
        double naive = median(m, "naive Angus getMessages + getUID");
        for (Runner.Result r : m.values()) {
          rows.add(r.ok()
              ? String.format(Locale.ROOT, "%s | %.3f | %.2fx | %.2fx | %.1fx | %s", r.variant(), r.median(), r.median() / raw,
                  r.median() / angus, naive / r.median(), runs(r))
              : r.variant() + " | failed: " + r.error() + " | | | |");
        }
      }
    }
    return rows;
  }

  private List<Verdict> verdicts() {
    List<Verdict> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, Runner.Result>> e : results.entrySet()) {
      String[] k = e.getKey().split("\\|");
      String t = k[0];
      Map<String, Runner.Result> m = e.getValue();
      switch (k[1]) {
        case "list" -> {
          double s = median(m, SATCHEL_LIST);
          double naive = median(m, NAIVE_LIST);
          double raw = median(m, RAW_LIST);
          out.add(new Verdict(t, "listing", ">= 20x the naive loop", fmt("%.1fx", naive / s), naive / s >= 20));
          out.add(new Verdict(t, "listing", "<= 1.25x the raw socket's time", fmt("%.2fx", s / raw), s / raw <= 1.25));
        }
        case "download" -> {
          double s = median(m, SATCHEL_DOWNLOAD);
          double raw = median(m, RAW_DOWNLOAD);
          Runner.Result sr = m.get(SATCHEL_DOWNLOAD);
          double heapMb = sr == null || !sr.ok() || heap(sr) < 0 ? Double.NaN : heap(sr) / 1048576.0;
          out.add(new Verdict(t, "download", ">= 0.6x raw-socket throughput", fmt("%.2fx", raw / s), raw / s >= 0.6));
          out.add(new Verdict(t, "download", "heap growth < 32 MB", fmt("%.1f MB", heapMb), heapMb < 32));
        }
        case "send" -> {
          double x = median(m, SendBench.RAW) / median(m, SendBench.TRANSPORT);
          out.add(new Verdict(t, "sending", ">= 0.8x the raw pipelining floor", fmt("Satchel Transport: %.2fx", x), x >= 0.8));
          double pool = bestPeer(m) / satchelPool(m);
          out.add(new Verdict(t, "sending", ">= 1.5x the best peer (" + bestPeerName(m) + ")",
              fmt("Satchel TransportPool: %.2fx", pool), pool >= 1.5));
        }
        case SendWanBench.SCENARIO -> {
          String sc = "sending, " + 2 * o.wanLatencyMillis + " ms RTT";
          double x = median(m, SendBench.ANGUS_ONE) / median(m, SendBench.TRANSPORT);
          out.add(new Verdict(t, sc, ">= 2x one Angus Transport", fmt("Satchel Transport: %.2fx", x), x >= 2));
          double pool = bestPeer(m) / satchelPool(m);
          out.add(new Verdict(t, sc, ">= 2x the best peer (" + bestPeerName(m) + ")",
              fmt("Satchel TransportPool: %.2fx", pool), pool >= 2));
        }
        case "compress-list", "compress-download" -> {
          // no target: these measurements decide MailboxOptions.DEFAULT_COMPRESSION (see BENCHMARKS.md)
        }
        case "download-raw" -> {
          double s = median(m, "Satchel Mailbox.openRaw");
          double raw = median(m, "raw socket BODY.PEEK[]");
          out.add(new Verdict(t, "openRaw", ">= 0.8x raw-socket throughput", fmt("%.2fx", raw / s), raw / s >= 0.8));
        }
        case "wan-list", "wan-raw", "wan-download" -> {
          // no target of its own: the ratios to the raw socket over the same link are the measurement
        }
        default -> {
          double s = median(m, "Satchel InboxProcessor.runOnce");
          double naive = median(m, "naive Angus getMessages + getUID");
          out.add(new Verdict(t, k[1], "faster than naive Angus", fmt("%.1fx", naive / s), naive / s > 1));
          if (k[1].equals("pop3-none")) {
            double raw = median(m, "raw socket UIDL + RETR");
            out.add(new Verdict(t, k[1], "<= 1.1x the raw socket's time", fmt("%.2fx", s / raw), s / raw <= 1.1));
          }
        }
      }
    }
    return out;
  }

  private static String runs(Runner.Result r) {
    return r.note().contains("extrapolated")
        ? r.runs() + " (" + r.note().replaceAll("(^|.*; )(extrapolated[^;]*).*", "$2") + ")"
        : r.runs();
  }

  /** The Satchel pool's median (its name says its settings). */
  private static double satchelPool(Map<String, Runner.Result> m) {
    return m.keySet().stream().filter(v -> v.startsWith("Satchel TransportPool")).findFirst().map(v -> median(m, v))
        .orElse(Double.NaN);
  }

  /** The peer with the lowest median, or "none" when none ran. */
  private static String bestPeerName(Map<String, Runner.Result> m) {
    double best = bestPeer(m);
    return SendBench.PEERS.stream().filter(p -> median(m, p) == best).findFirst().orElse("none");
  }

  private static double bestPeer(Map<String, Runner.Result> m) {
    double best = Double.NaN;
    for (String p : SendBench.PEERS) {
      double v = median(m, p);
      if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
        best = v;
      }
    }
    return best;
  }

  private static double median(Map<String, Runner.Result> m, String variant) {
    Runner.Result r = m.get(variant);
    return r == null || !r.ok() ? Double.NaN : r.median();
  }

  private static long heap(Runner.Result r) {
    for (String part : r.note().split("; ")) {
      if (part.startsWith("heap=")) {
        return Long.parseLong(part.substring(5));
      }
    }
    return -1;
  }

  private static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
