package dev.satchel.mail.testkit.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.satchel.mail.testkit.ReliabilityReport;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestMailServerExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * mail-testkit's JUnit extensions on the oldest JUnit Jupiter it supports (this module's class path
 * holds JUnit 5.11, see its pom): a fixture class using {@link ReliabilityReport} and {@link
 * TestMailServerExtension} runs through the 5.11 launcher, and when that run ends the report file is
 * written and the injected server is closed.
 */
class OldJUnitTest {
  static final List<TestMailServer> INJECTED = new CopyOnWriteArrayList<>();

  @Test
  void theClassPathHoldsTheOldJUnit() throws ClassNotFoundException {
    assertThat(Test.class.getPackage().getImplementationVersion()).startsWith("5.11.");
    assertThat(Class.forName("org.junit.jupiter.engine.JupiterTestEngine").getPackage().getImplementationVersion())
        .startsWith("5.11.");
  }

  @Test
  void reliabilityReportIsWrittenWhenTheRunEnds(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("reliability.txt");
    String before = System.getProperty(ReliabilityReport.FILE_PROPERTY);
    System.setProperty(ReliabilityReport.FILE_PROPERTY, file.toString());
    try {
      TestExecutionSummary summary = runFixture();
      assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    } finally {
      if (before == null) {
        System.clearProperty(ReliabilityReport.FILE_PROPERTY);
      } else {
        System.setProperty(ReliabilityReport.FILE_PROPERTY, before);
      }
    }
    assertThat(file).exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).startsWith("Satchel reliability report")
        .contains("bad inputs tried: 1 (old JUnit fixture 1)")
        .contains("reporting tests succeeded: 1; failed: 0");
    assertThat(INJECTED).singleElement().satisfies(server -> assertThat(server.isClosed()).isTrue());
  }

  private static TestExecutionSummary runFixture() {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(Fixture.class))
        .configurationParameter(FixtureOnly.PARAMETER, "true")
        .build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();
    StringWriter failures = new StringWriter();
    summary.printFailuresTo(new PrintWriter(failures), 20);
    assertThat(summary.getTotalFailureCount()).as("failures of the fixture:%n%s", failures).isZero();
    return summary;
  }

  /** Keeps the fixture from running on its own. */
  static final class FixtureOnly implements ExecutionCondition {
    static final String PARAMETER = "dev.satchel.testkit.compat.fixture";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(PARAMETER).map(Boolean::parseBoolean).orElse(false)
          ? ConditionEvaluationResult.enabled("launched by OldJUnitTest")
          : ConditionEvaluationResult.disabled("a fixture of OldJUnitTest, run only by it");
    }
  }

  @ExtendWith({FixtureOnly.class, TestMailServerExtension.class, ReliabilityReport.class})
  static class Fixture {
    @Test
    void getsAServer(TestMailServer server) {
      INJECTED.add(server);
      assertThat(server.isClosed()).isFalse();
      ReliabilityReport.recordBadInput("old JUnit fixture");
    }
  }
}
