package dev.satchel.mail.testkit;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.pop3.Pop3Handler;
import com.icegreen.greenmail.pop3.commands.Pop3CommandRegistry;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpHandler;
import com.icegreen.greenmail.smtp.commands.SmtpCommandRegistry;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.util.HashMap;
import java.util.Map;

/**
 * GreenMail as the testkit runs it: the same protocol handlers, served by {@link EmbeddedService}
 * (TCP_NODELAY on every connection, connection-ended exceptions logged at DEBUG instead of printed
 * as stack traces), and an SMTP manager that answers RCPT TO by a {@link RecipientPolicy}.
 *
 * <p>GreenMail's own {@code getSmtp()}, {@code getImap()}, ... cast to its service classes and must
 * not be called on this object; {@link #port(String)} gives the ports.
 */
final class EmbeddedGreenMail extends GreenMail {
  private final PolicySmtpManager smtpManager;

  EmbeddedGreenMail(ServerSetup[] setups) {
    super(setups);
    // start() builds the services again from this field, so they all share this manager.
    PolicyManagers policyManagers = new PolicyManagers();
    this.managers = policyManagers;
    this.smtpManager = policyManagers.smtp;
  }

  /** The SMTP manager that holds the recipient policy of the SMTP and SMTPS services. */
  PolicySmtpManager smtpManager() {
    return smtpManager;
  }

  /**
   * The bound port of the service for a GreenMail protocol name ({@code "smtp"}, {@code "imaps"},
   * ...).
   *
   * @throws IllegalStateException when that service is not running
   */
  int port(String protocol) {
    AbstractServer service = services.get(protocol);
    if (service == null || !service.isRunning()) {
      throw new IllegalStateException("the GreenMail " + protocol + " service did not start");
    }
    return service.getPort();
  }

  // Called from GreenMail's constructor too: uses only its arguments.
  @Override
  protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers mgr) {
    Map<String, AbstractServer> services = new HashMap<>();
    for (ServerSetup setup : config) {
      String protocol = setup.getProtocol();
      EmbeddedService.HandlerFactory handlers;
      if (protocol.startsWith(ServerSetup.PROTOCOL_SMTP)) {
        handlers = socket -> new SmtpHandler(new SmtpCommandRegistry(), mgr.getSmtpManager(), socket);
      } else if (protocol.startsWith(ServerSetup.PROTOCOL_POP3)) {
        handlers = socket -> new Pop3Handler(new Pop3CommandRegistry(), mgr.getUserManager(), socket);
      } else if (protocol.startsWith(ServerSetup.PROTOCOL_IMAP)) {
        handlers = socket -> new ImapHandler(mgr.getUserManager(), mgr.getImapHostManager(), socket);
      } else {
        throw new IllegalArgumentException("unknown GreenMail protocol \"" + protocol + "\"");
      }
      if (services.put(protocol, new EmbeddedService(setup, mgr, handlers)) != null) {
        throw new IllegalArgumentException("protocol \"" + protocol + "\" set up twice");
      }
    }
    return services;
  }

  /** GreenMail's managers with the policy-aware SMTP manager over the same store and users. */
  private static final class PolicyManagers extends Managers {
    final PolicySmtpManager smtp = new PolicySmtpManager(getImapHostManager(), getUserManager());

    @Override
    public PolicySmtpManager getSmtpManager() {
      return smtp;
    }
  }
}
