package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs a fixture class with {@link ReliabilityReport} through the JUnit Platform launcher and checks
 * that the report file is written when that run ends: with this JUnit's defaults, and with the store
 * closing only {@code ExtensionContext.Store.CloseableResource} values, which is what JUnit Jupiter
 * before 5.13 does (and 5.13+ when {@code junit.jupiter.extensions.store.close.autocloseable.enabled}
 * is false). The module {@code mail-testkit-compat} runs the same check on JUnit 5.11 itself.
 */
class ReliabilityReportTest {
  static final String AUTO_CLOSE = "junit.jupiter.extensions.store.close.autocloseable.enabled";

  @Test
  void writesTheReportWhenTheRunEnds(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("report.txt");
    runFixture(file, true);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).startsWith("Satchel reliability report")
        .contains("reporting tests succeeded:");
  }

  @Test
  void writesTheReportWhenTheStoreClosesOnlyCloseableResources(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("report.txt");
    runFixture(file, false);
    assertThat(file).exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).startsWith("Satchel reliability report");
  }

  private static void runFixture(Path file, boolean closeAutoCloseables) {
    String before = System.getProperty(ReliabilityReport.FILE_PROPERTY);
    System.setProperty(ReliabilityReport.FILE_PROPERTY, file.toString());
    try {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(selectClass(Fixture.class))
          .configurationParameter(FixtureOnly.PARAMETER, "true")
          .configurationParameter(AUTO_CLOSE, Boolean.toString(closeAutoCloseables))
          .build();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      LauncherFactory.create().execute(request, listener);
      assertThat(listener.getSummary().getTestsSucceededCount()).isEqualTo(1);
    } finally {
      if (before == null) {
        System.clearProperty(ReliabilityReport.FILE_PROPERTY);
      } else {
        System.setProperty(ReliabilityReport.FILE_PROPERTY, before);
      }
    }
  }

  @ExtendWith({FixtureOnly.class, ReliabilityReport.class})
  static class Fixture {
    @Test
    void recordsABadInput() {
      ReliabilityReport.recordBadInput("fixture input");
    }
  }
}
