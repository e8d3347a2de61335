package dev.satchel.mail.cli;

import dev.satchel.mail.EmailAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code satchel logout}: forgets the login {@code satchel login} stored for an address. */
@Command(mixinStandardHelpOptions = true, name = "logout", sortOptions = false,
    description = {"Forget the login of 'satchel login' for an address.",
        "Deletes its refresh token from the token file and its entry from the logins file beside it.",
        "The provider still lists the app as allowed: remove it in the account's security settings to end the access there."})
final class LogoutCommand implements Runnable, HasCommonOptions {
  private final Satchel satchel;

  @Parameters(paramLabel = "ADDRESS", description = "The account, for example alice@outlook.com.")
  String address = "";

  @Mixin
  TokenFileOption tokenFile = new TokenFileOption();

  @Mixin
  CommonOptions common = new CommonOptions();

  LogoutCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public void run() {
    EmailAddress email = Accounts.address(address);
    LoginStore store = LoginStore.open(satchel.io, tokenFile);
    String account = LoginStore.key(email);
    if (store.remove(email)) {
      satchel.io.out.println("Logged out " + account + ": its refresh token is gone from " + store.tokenFile() + ".");
    } else {
      satchel.io.out.println("No login of " + account + " is stored in " + store.tokenFile() + "; nothing to forget.");
    }
  }
}
