package dev.satchel.mail.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.testkit.ReliabilityReport;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The suite must fail an implementation that breaks the contract, and name the broken rule. */
@ExtendWith(ReliabilityReport.class)
class ContractCatchesBugsTest {

  private static synchronized TestExecutionSummary run(Protocol protocol, Set<InMemoryMailbox.Bug> bugs) {
    BuggyContractRun.protocol = protocol;
    BuggyContractRun.bugs = bugs;
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(BuggyContractRun.class)).build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    try {
      LauncherFactory.create().execute(request, listener);
    } finally {
      BuggyContractRun.protocol = Protocol.IMAP;
      BuggyContractRun.bugs = Set.of();
    }
    return listener.getSummary();
  }

  private static List<String> failedMethods(TestExecutionSummary summary) {
    return summary.getFailures().stream()
        .map(f -> f.getTestIdentifier().getSource().filter(MethodSource.class::isInstance)
            .map(s -> ((MethodSource) s).getMethodName()).orElse("?"))
        .sorted().toList();
  }

  @Test
  void aCorrectImplementationPassesEveryContractTest() {
    TestExecutionSummary summary = run(Protocol.IMAP, Set.of());
    assertThat(failedMethods(summary)).isEmpty();
    assertThat(summary.getTestsSucceededCount()).isGreaterThanOrEqualTo(20);
  }

  @ParameterizedTest
  @CsvSource({
      "IMAP, FETCH_SETS_SEEN, readingDoesNotSetSeen",
      "POP3, FOLDERS_IGNORES_CAPABILITY, foldersFollowsFolders",
      "IMAP, CLOSE_THROWS_TWICE, closeIsIdempotent",
      "IMAP, UIDS_CHANGE_PER_CONNECTION, uidsAreStableAcrossConnections",
      "POP3, WRONG_CAPABILITY_NAMED, foldersFollowsFolders"
  })
  void aBrokenImplementationFailsTheRuleItBreaks(Protocol protocol, InMemoryMailbox.Bug bug, String expectedFailure) {
    ReliabilityReport.recordBadInput("contract-breaking Mailbox implementation");
    TestExecutionSummary summary = run(protocol, Set.of(bug));
    assertThat(failedMethods(summary)).contains(expectedFailure);
  }
}
