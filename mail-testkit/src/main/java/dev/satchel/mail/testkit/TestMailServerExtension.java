package dev.satchel.mail.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that injects a started {@link TestMailServer} into test methods and lifecycle
 * methods, and closes it afterwards.
 *
 * <pre>{@code
 * @ExtendWith(TestMailServerExtension.class)
 * class SendTest {
 *   @Test
 *   void sendsMail(TestMailServer server) {
 *     TestUser alice = server.createUser("alice@example.com", "secret");
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p><b>Scope.</b> By default each test gets its own server, shared by that test's
 * {@code @BeforeEach} and {@code @AfterEach} methods and closed after the test. When a
 * {@code @BeforeAll} method (or another class-level method) asks for a server, one server is made
 * for the class: every test of the class, and of its {@code @Nested} classes, gets that same server,
 * and it is closed after the class.
 *
 * <p>Works with {@code @Nested} classes and parallel execution: each server binds ports picked by
 * the operating system, so servers never collide. Register it with {@code @ExtendWith} or, as a
 * field, with {@code @RegisterExtension}; the extension itself holds no state. Thread-safe.
 */
public final class TestMailServerExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestMailServerExtension.class);
  private static final String KEY = "server";

  /** Creates the extension; it holds no state. */
  public TestMailServerExtension() {}

  /** True for parameters of type {@link TestMailServer}. */
  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == TestMailServer.class;
  }

  /**
   * The server for this context: the class's server when there is one (in this class or an
   * enclosing one), otherwise this test's server, started on first use.
   */
  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    // The store looks in the enclosing contexts' stores first, so a class-level server is shared.
    return extensionContext.getStore(NAMESPACE)
        .getOrComputeIfAbsent(KEY, key -> TestMailServer.start(), TestMailServer.class);
  }

  /** Closes the server this test started, if any. */
  @Override
  public void afterEach(ExtensionContext context) {
    closeOwn(context);
  }

  /** Closes the server this class started, if any. */
  @Override
  public void afterAll(ExtensionContext context) {
    closeOwn(context);
  }

  private static void closeOwn(ExtensionContext context) {
    // remove() only looks at this context's own store: an enclosing class's server stays open.
    TestMailServer server = context.getStore(NAMESPACE).remove(KEY, TestMailServer.class);
    if (server != null) {
      server.close();
    }
  }
}
