package dev.satchel.mail.cli;

import picocli.CommandLine.Option;

/** Options every command accepts. */
final class CommonOptions {
  @Option(names = "--verbose", description = "On an error, print the stack trace as well.")
  boolean verbose;
}
