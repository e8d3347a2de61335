package dev.satchel.mail.cli;

/** A command that carries {@link CommonOptions}. */
interface HasCommonOptions {
  CommonOptions common();
}
