package dev.satchel.mail.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps fixture test classes (run through the JUnit Platform launcher by the tests that own them)
 * from running on their own, for example under {@code -Dtest=TestMailServer*}: they run only when the
 * launch sets {@link #PARAMETER} to true.
 */
final class FixtureOnly implements ExecutionCondition {
  static final String PARAMETER = "dev.satchel.testkit.fixture";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return context.getConfigurationParameter(PARAMETER).map(Boolean::parseBoolean).orElse(false)
        ? ConditionEvaluationResult.enabled("launched by the test that owns this fixture")
        : ConditionEvaluationResult.disabled("a fixture, run only through the launcher by the test that owns it");
  }
}
