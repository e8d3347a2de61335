package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs small fixture test classes (the static nested classes below, which Surefire does not run on
 * its own) through the JUnit Platform launcher and checks which servers they were given and that
 * each was closed.
 */
class TestMailServerExtensionTest {
  /** What the fixtures were injected with, in order: where, and which server. */
  static final List<Injection> INJECTIONS = new CopyOnWriteArrayList<>();

  record Injection(String where, TestMailServer server) {}

  @BeforeEach
  void clear() {
    INJECTIONS.clear();
  }

  @Test
  void eachTestGetsItsOwnServerSharedWithItsBeforeEachAndClosedAfterIt() {
    TestExecutionSummary summary = run(PerTestFixture.class, false);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    assertThat(INJECTIONS).extracting(Injection::where)
        .containsExactlyInAnyOrder("beforeEach", "test", "beforeEach", "test");
    List<TestMailServer> distinct = distinctServers();
    assertThat(distinct).hasSize(2).allSatisfy(server -> assertThat(server.isClosed()).isTrue());
  }

  @Test
  void serverResolvedInBeforeAllIsSharedByTheClassAndItsNestedClassesAndClosedAfterIt() {
    TestExecutionSummary summary = run(PerClassFixture.class, false);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(3);
    assertThat(INJECTIONS).extracting(Injection::where)
        .containsExactlyInAnyOrder("beforeAll", "test", "test", "nestedTest");
    assertThat(distinctServers()).singleElement().satisfies(server -> assertThat(server.isClosed()).isTrue());
  }

  @Test
  void nestedTestsWithoutBeforeAllGetTheirOwnServers() {
    TestExecutionSummary summary = run(NestedPerTestFixture.class, false);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    assertThat(distinctServers()).hasSize(2).allSatisfy(server -> assertThat(server.isClosed()).isTrue());
  }

  @Test
  void testsRunningInParallelGetSeparateWorkingServers() {
    TestExecutionSummary summary = run(ParallelFixture.class, true);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(ParallelFixture.REPETITIONS);
    List<TestMailServer> distinct = distinctServers();
    assertThat(distinct).hasSize(ParallelFixture.REPETITIONS)
        .allSatisfy(server -> assertThat(server.isClosed()).isTrue());
  }

  @Test
  void worksWhenRegisteredAsAField() {
    TestExecutionSummary summary = run(RegisteredFieldFixture.class, false);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(distinctServers()).singleElement().satisfies(server -> assertThat(server.isClosed()).isTrue());
  }

  private static List<TestMailServer> distinctServers() {
    return INJECTIONS.stream().map(Injection::server).distinct().toList();
  }

  private static TestExecutionSummary run(Class<?> fixture, boolean parallel) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(fixture))
        .configurationParameter(FixtureOnly.PARAMETER, "true")
        .configurationParameter("junit.jupiter.execution.parallel.enabled", Boolean.toString(parallel))
        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
        .build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();
    StringWriter failures = new StringWriter();
    summary.printFailuresTo(new PrintWriter(failures), 20);
    assertThat(summary.getTotalFailureCount()).as("failures of %s:%n%s", fixture.getSimpleName(), failures).isZero();
    return summary;
  }

  @ExtendWith({FixtureOnly.class, TestMailServerExtension.class})
  static class PerTestFixture {
    private TestMailServer fromBeforeEach;

    @BeforeEach
    void before(TestMailServer server) {
      fromBeforeEach = server;
      INJECTIONS.add(new Injection("beforeEach", server));
    }

    @Test
    void first(TestMailServer server) {
      check(server);
    }

    @Test
    void second(TestMailServer server) {
      check(server);
    }

    private void check(TestMailServer server) {
      INJECTIONS.add(new Injection("test", server));
      assertThat(server).isSameAs(fromBeforeEach);
      assertThat(server.isClosed()).isFalse();
    }
  }

  @ExtendWith({FixtureOnly.class, TestMailServerExtension.class})
  static class PerClassFixture {
    static TestMailServer shared;

    @BeforeAll
    static void beforeAll(TestMailServer server) {
      shared = server;
      server.createUser("alice@example.com", "secret");
      INJECTIONS.add(new Injection("beforeAll", server));
    }

    @Test
    void first(TestMailServer server) {
      INJECTIONS.add(new Injection("test", server));
      assertThat(server).isSameAs(shared);
    }

    @Test
    void second(TestMailServer server) {
      INJECTIONS.add(new Injection("test", server));
      assertThat(server).isSameAs(shared);
    }

    @Nested
    class Inner {
      @Test
      void nested(TestMailServer server) {
        INJECTIONS.add(new Injection("nestedTest", server));
        assertThat(server).isSameAs(shared);
        assertThat(server.isClosed()).isFalse();
      }
    }
  }

  @ExtendWith({FixtureOnly.class, TestMailServerExtension.class})
  static class NestedPerTestFixture {
    @Test
    void outer(TestMailServer server) {
      INJECTIONS.add(new Injection("outer", server));
    }

    @Nested
    class Inner {
      @Test
      void inner(TestMailServer server) {
        INJECTIONS.add(new Injection("inner", server));
      }
    }
  }

  @ExtendWith({FixtureOnly.class, TestMailServerExtension.class})
  @Execution(ExecutionMode.CONCURRENT)
  static class ParallelFixture {
    static final int REPETITIONS = 4;

    @RepeatedTest(REPETITIONS)
    void sendsAndReceivesOnItsOwnServer(TestMailServer server) throws Exception {
      INJECTIONS.add(new Injection("test", server));
      TestUser user = server.createUser("user@example.com", "secret");
      MailClients.send(server.settings(user, Protocol.SMTP, Security.TLS),
          TestMailServerTest.rfc822("user@example.com", "user@example.com", "parallel", "x"), "user@example.com");
      assertThat(server.awaitReceived(1, Duration.ofSeconds(30))).isTrue();
      assertThat(MailClients.fetchInbox(server.settings(user, Protocol.IMAP, Security.TLS))).hasSize(1);
    }
  }

  @ExtendWith(FixtureOnly.class)
  static class RegisteredFieldFixture {
    @RegisterExtension
    static final TestMailServerExtension MAIL = new TestMailServerExtension();

    @Test
    void injected(TestMailServer server) {
      INJECTIONS.add(new Injection("test", server));
      assertThat(server.isClosed()).isFalse();
    }
  }
}
