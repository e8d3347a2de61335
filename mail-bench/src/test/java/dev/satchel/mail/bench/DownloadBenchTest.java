package dev.satchel.mail.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownloadBenchTest {

  @Test
  void base64StreamDecodesTheCorpusAttachmentFedInOddChunks() {
    int size = 300_001;
    BenchTarget none = new BenchTarget("none", "127.0.0.1", 1, 2, 3, new BenchTarget.Account("a@b.c", "x"),
        new BenchTarget.Account("d@b.c", "y"));
    DownloadBench bench = new DownloadBench(none, size);
    byte[] message = Corpus.bigMessage(size);
    String text = new String(message, StandardCharsets.US_ASCII);
    int start = text.indexOf("base64\r\n\r\n") + "base64\r\n\r\n".length();
    int end = text.indexOf("\r\n--bench-boundary", start);
    DownloadBench.Sink sink = bench.new Sink(false);
    DownloadBench.Base64Stream decoder = new DownloadBench.Base64Stream(sink);
    int pos = start;
    int chunk = 1;
    while (pos < end) {
      int n = Math.min(chunk, end - pos);
      byte[] part = java.util.Arrays.copyOfRange(message, pos, pos + n);
      decoder.write(part, n);
      pos += n;
      chunk = chunk * 3 + 7;
    }
    decoder.finish();

    assertThat(sink.finish()).isEqualTo(size);
  }

  @Test
  void sinkRejectsWrongBytes() {
    BenchTarget none = new BenchTarget("none", "127.0.0.1", 1, 2, 3, new BenchTarget.Account("a@b.c", "x"),
        new BenchTarget.Account("d@b.c", "y"));
    DownloadBench.Sink sink = new DownloadBench(none, 4).new Sink(false);
    sink.accept(new byte[] {1, 2, 3, 4}, 4);

    assertThatThrownBy(sink::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("expected 4 bytes");
  }

  @Test
  void medianOfEvenAndOddRunCounts() {
    assertThat(new Runner.Result("v", List.of(3.0, 1.0, 2.0), 1, 0, "", null).median()).isEqualTo(2.0);
    assertThat(new Runner.Result("v", List.of(4.0, 1.0, 2.0, 3.0), 1, 0, "", null).median()).isEqualTo(2.5);
  }

  @Test
  void budgetStopsARunAndItsTimeIsExtrapolated() {
    long saved = Runner.budgetSeconds;
    Runner.budgetSeconds = 0; // no budget: a run that checks never stops
    try {
      Runner.Result r = Runner.measure("no budget", 0, 1, () -> {
        for (int i = 0; i < 100; i++) {
          Budget.check(i, 100);
        }
        return 100;
      }, true);
      assertThat(r.ok()).isTrue();
      assertThat(r.note()).isEmpty();
    } finally {
      Runner.budgetSeconds = saved;
    }
  }

  @Test
  void accountsParseAsAddressColonPassword() {
    assertThat(BenchTarget.Account.parse("bench@example.test:a:b")).isEqualTo(new BenchTarget.Account("bench@example.test", "a:b"));
    assertThatThrownBy(() -> BenchTarget.Account.parse("nopassword")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nopassword");
  }
}
