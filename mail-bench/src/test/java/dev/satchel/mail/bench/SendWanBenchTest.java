package dev.satchel.mail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SendWanBenchTest {

  @Test
  void commandsAreCountedPerMessageInTheOrderFirstSent() {
    List<List<String>> connections = List.of(
        List.of("EHLO", "NOOP", "MAIL", "RCPT", "DATA", "NOOP", "MAIL", "RCPT", "DATA", "QUIT"),
        List.of("EHLO", "NOOP", "MAIL", "RCPT", "DATA", "QUIT"));

    String seen = SendWanBench.commandsPerMessage(connections, 3);

    assertThat(seen).isEqualTo("2 connections, 3 messages, per message: EHLO 0.67 NOOP 1.00 MAIL 1.00 RCPT 1.00 DATA 1.00"
        + " QUIT 0.67");
  }

  @Test
  void rareCommandsKeepThreeDecimals() {
    assertThat(SendWanBench.commandsPerMessage(List.of(List.of("EHLO", "MAIL", "MAIL")), 1000))
        .isEqualTo("1 connection, 1000 messages, per message: EHLO 0.001 MAIL 0.002");
  }

  @Test
  void whatTheProxySawIsReadBackFromTheNote() {
    Runner.Result r = new Runner.Result("v", List.of(1.0), 1, 0, "extrapolated from 3 of 10 in 90 s", null)
        .withNote(SendWanBench.PROXY + "1 connection, 3 messages, per message: MAIL 1.00");

    assertThat(SendWanBench.seen(r)).isEqualTo("1 connection, 3 messages, per message: MAIL 1.00");
    assertThat(SendWanBench.seen(new Runner.Result("v", List.of(1.0), 1, 0, "", null))).isEmpty();
  }
}
