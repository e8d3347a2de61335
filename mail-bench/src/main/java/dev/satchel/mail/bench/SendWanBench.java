package dev.satchel.mail.bench;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.FaultProxy;
import dev.satchel.mail.testkit.ProxyConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 7 ({@code --scenarios sendwan}): the sending of scenario 3 over a slow network link, the
 * testkit's {@link FaultProxy} with {@link ConnectionScript#link} in front of the SMTP server (the same
 * link as scenario 6: by default 20 ms each way, so 40 ms round trips, and 10 MB/s each way). Every
 * variant, the raw floor included, connects to the proxy's port; the sink is checked and emptied over
 * IMAP directly. The Satchel pool runs with its defaults.
 *
 * <p>The proxy knows SMTP, so it counts the client's commands by verb: each variant's result notes how
 * many connections it opened and how many of each command it sent per message, which shows where its
 * round trips go (a NOOP before every message, a connection per message).
 *
 * <p>{@code --wan-sends} sets the message count (default: {@code --sends}, 1,000), the same for every
 * variant. At 40 ms a variant that waits for each of MAIL, RCPT, DATA and the final dot needs 160 ms a
 * message, so 1,000 messages take minutes per run; the variants that open a connection per message
 * stop at the time budget and are extrapolated.
 */
final class SendWanBench {
  static final String SCENARIO = "sendwan";

  private final BenchTarget direct;
  private final MailBench.Options o;

  SendWanBench(BenchTarget direct, MailBench.Options o) {
    this.direct = direct;
    this.o = o;
  }

  void run(WanBench.Results results) throws Exception {
    ConnectionScript link = ConnectionScript.link(Duration.ofMillis(o.wanLatencyMillis), o.wanBytesPerSecond);
    try (FaultProxy proxy = FaultProxy.builder().target(direct.host(), direct.smtpPort()).protocol(Protocol.SMTP)
        .defaultScript(link).start()) {
      BenchTarget via = direct.withSmtp(proxy.host(), proxy.port());
      int count = o.wanSends();
      System.out.println("  -- over a link of " + WanBench.linkName(o) + ": sending " + count + " messages through "
          + proxy.host() + ":" + proxy.port());
      SendBench b = new SendBench(via, count);
      b.clearSink();
      for (Map.Entry<String, SendBench.SendFn> v : b.variants(true).entrySet()) {
        if (!o.wants(v.getKey())) {
          continue;
        }
        int firstConnection = proxy.connections().size();
        long sentBefore = b.total();
        Runner.Result r = b.measure(v.getKey(), v.getValue(), o.warmups, o.runs, o.slowRuns);
        List<ProxyConnection> used = proxy.connections();
        List<List<String>> verbs = used.subList(firstConnection, used.size()).stream().map(ProxyConnection::commandNames)
            .toList();
        String seen = commandsPerMessage(verbs, b.total() - sentBefore);
        System.out.println("      through the proxy: " + seen);
        results.put(SCENARIO, r.withNote(PROXY + seen));
      }
    }
  }

  /** The prefix of the note that says what the proxy saw. */
  static final String PROXY = "proxy=";

  /**
   * What the proxy saw of one variant, from the command verbs of each of its connections: connections,
   * messages, and each verb per message in the order first sent, such as {@code "3 connections, 2200 messages: EHLO 0.001 MAIL 1.00 ..."}.
   */
  static String commandsPerMessage(List<List<String>> connections, long messages) {
    Map<String, Integer> verbs = new LinkedHashMap<>();
    for (List<String> c : connections) {
      for (String verb : c) {
        verbs.merge(verb, 1, Integer::sum);
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(connections.size()).append(connections.size() == 1 ? " connection, " : " connections, ").append(messages)
        .append(" messages, per message:");
    for (Map.Entry<String, Integer> e : verbs.entrySet()) {
      double each = messages == 0 ? Double.NaN : e.getValue() / (double) messages;
      b.append(' ').append(e.getKey()).append(' ').append(String.format(Locale.ROOT, each >= 0.095 ? "%.2f" : "%.3f", each));
    }
    return b.toString();
  }

  /** The part of a result's note that {@link #run} added, or "" when there is none. */
  static String seen(Runner.Result r) {
    for (String part : r.note().split("; ")) {
      if (part.startsWith(PROXY)) {
        return part.substring(PROXY.length());
      }
    }
    return "";
  }
}
