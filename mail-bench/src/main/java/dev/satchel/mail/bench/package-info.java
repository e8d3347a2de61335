/**
 * The mail-bench harness: Satchel against naive Angus use, Angus with a FetchProfile, raw sockets and
 * peer libraries, on the testkit's GreenMail server and on real Dovecot and Postfix. Run
 * {@code mail-bench/run.sh}; see BENCHMARKS.md at the repository root.
 */
@NullMarked
package dev.satchel.mail.bench;

import org.jspecify.annotations.NullMarked;
