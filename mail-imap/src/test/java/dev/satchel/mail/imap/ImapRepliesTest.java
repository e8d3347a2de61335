package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Quota;
import dev.satchel.mail.SpecialFolder;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapResponseParser;
import dev.satchel.mail.internal.ServerLimitException;
import dev.satchel.mail.internal.wire.WireReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImapRepliesTest {
  /** The responses of {@code wire} (lines end in CRLF, added when missing), as the engine parses them. */
  private static List<ImapResponse> responses(String wire) {
    String crlf = wire.endsWith("\r\n") ? wire : wire + "\r\n";
    ImapResponseParser p = new ImapResponseParser(
        new WireReader(new ByteArrayInputStream(crlf.getBytes(StandardCharsets.UTF_8)), 64, 1 << 20),
        ImapResponseParser.Limits.DEFAULT);
    List<ImapResponse> out = new ArrayList<>();
    try {
      for (ImapResponse r = p.next(null); r != null; r = p.next(null)) {
        out.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static ImapResponse response(String line) {
    List<ImapResponse> rs = responses(line);
    assertThat(rs).hasSize(1);
    return rs.get(0);
  }

  private static ListEntry list(String line) {
    return Objects.requireNonNull(ImapReplies.listEntry(response(line), false), line);
  }

  // LIST and LSUB

  @Test
  void readsListAnswersAsDovecotSendsThem() {
    ListEntry sent = list("* LIST (\\HasNoChildren \\Sent) \"/\" Sent");
    assertThat(sent.name()).isEqualTo("Sent");
    assertThat(sent.delimiter()).isEqualTo('/');
    assertThat(sent.attributes()).containsExactly("\\HasNoChildren", "\\Sent");
    assertThat(list("* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"").name()).isEqualTo("Entwürfe");
    assertThat(list("* LIST (\\HasNoChildren) \"/\" \"Sent Items\"").name()).isEqualTo("Sent Items");
    assertThat(list("* LIST () \"/\" \"Tom &- Jerry\"").name()).isEqualTo("Tom & Jerry");
  }

  @Test
  void attributesKeepTheirCaseAndAreFoundInAnyCase() {
    ListEntry e = list("* LIST (\\NoSelect \\HasChildren) \".\" \"#shared\"");
    assertThat(e.attributes()).containsExactly("\\NoSelect", "\\HasChildren");
    assertThat(e.attributes().contains("\\NOSELECT")).isTrue();
    assertThat(e.attributes().contains("\\noselect")).isTrue();
    assertThat(e.attributes().contains("\\Marked")).isFalse();
    assertThatThrownBy(() -> e.attributes().add("\\Marked")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void readsListAnswersAsCyrusCourierAndGreenMailSendThem() {
    ListEntry cyrus = list("* LIST (\\HasNoChildren) \".\" INBOX.Archive");
    assertThat(cyrus.name()).isEqualTo("INBOX.Archive");
    assertThat(cyrus.delimiter()).isEqualTo('.');
    ListEntry lsub = list("* LSUB () \".\" INBOX.Drafts");
    assertThat(lsub.name()).isEqualTo("INBOX.Drafts");
    assertThat(lsub.attributes()).isEmpty();
    ListEntry courier = list("* LIST (\\Unmarked \\HasNoChildren) \".\" \"INBOX.Sent\"");
    assertThat(courier.name()).isEqualTo("INBOX.Sent");
    ListEntry greenMail = list("* LIST (\\HasNoChildren) \".\" \"INBOX\"");
    assertThat(greenMail.name()).isEqualTo("INBOX");
  }

  @Test
  void readsAFlatHierarchyAndTheDelimiterQuery() {
    ListEntry flat = list("* LIST (\\HasNoChildren) NIL Work");
    assertThat(flat.delimiter()).isEqualTo('\0');
    ListEntry query = list("* LIST (\\Noselect) \"/\" \"\"");
    assertThat(query.name()).isEmpty();
    assertThat(query.delimiter()).isEqualTo('/');
    assertThat(list("* LIST () \"\\\\\" Work").delimiter()).isEqualTo('\\');
  }

  @Test
  void readsNamesSentAsLiterals() {
    ListEntry quote = list("* LIST (\\HasNoChildren) \"/\" {9}\r\nsay \"hi\"!\r\n");
    assertThat(quote.name()).isEqualTo("say \"hi\"!");
    byte[] utf8 = "Entwürfe".getBytes(StandardCharsets.UTF_8);
    ImapResponse r = response("* LIST (\\HasNoChildren \\Drafts) \"/\" {" + utf8.length + "}\r\nEntwürfe\r\n");
    ListEntry drafts = ImapReplies.listEntry(r, true);
    assertThat(drafts).isNotNull();
    assertThat(drafts.name()).isEqualTo("Entwürfe");
    assertThat(list("* LIST () \"/\" {12}\r\nEntw&APw-rfe\r\n").name()).isEqualTo("Entwürfe");
  }

  @Test
  void underUtf8AcceptNamesAreNotModifiedUtf7() {
    ImapResponse r = response("* LIST () \"/\" \"Tom & Jerry &APw-\"");
    assertThat(ImapReplies.listEntry(r, true).name()).isEqualTo("Tom & Jerry &APw-");
    assertThat(ImapReplies.listEntry(response("* LIST () \"/\" Entwürfe"), true).name()).isEqualTo("Entwürfe");
  }

  @Test
  void ignoresListExtendedData() {
    ListEntry child = list("* LIST (\\NonExistent) \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\"))");
    assertThat(child.name()).isEqualTo("Foo");
    assertThat(child.attributes()).containsExactly("\\NonExistent");
    assertThat(list("* LIST (\\HasNoChildren) \"/\" \"New\" (\"OLDNAME\" (\"Old\"))").name()).isEqualTo("New");
  }

  @Test
  void malformedOrOtherAnswersAreNotListEntries() {
    for (String line : List.of("* LIST (\\HasNoChildren) \"/\"", "* LIST \\Noselect \"/\" x", "* LIST () \"//\" x",
        "* LIST () \"\" x", "* LIST () / x", "* LIST (\"quoted\") \"/\" x", "* LIST () \"/\" (x)",
        "* LIST () \"/\" {3}\r\na\r\n\r\n", "* LIST () \"/\" {3}\r\na\0b\r\n", "* STATUS INBOX (MESSAGES 1)",
        "a1 LIST () \"/\" x", "* OK LIST", "* LIST (\\HasNoChildren \"/\" x")) {
      assertThat(ImapReplies.listEntry(response(line), false)).as(line).isNull();
    }
  }

  @Test
  void listEntriesResolveToFoldersWithTheirRoles() throws Exception {
    String[] lines = {"* LIST (\\HasNoChildren) \"/\" INBOX", "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"",
        "* LIST (\\HasChildren \\Noselect) \"/\" Archiv", "* LIST (\\HasNoChildren) \"/\" Archiv/2024",
        "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"", "* LIST (\\HasNoChildren \\All \\Archive) \"/\" All",
        "* LIST (\\HasNoChildren) \"/\" Spam", "* LIST (\\HasNoChildren) \"/\" {7}\r\nOutbox!"};
    List<ListEntry> entries = new ArrayList<>();
    for (String line : lines) {
      entries.add(Objects.requireNonNull(ImapReplies.listEntry(response(line), false)));
    }
    SpecialFolders.Resolved actual = SpecialFolders.resolveEntries(entries);
    assertThat(actual.folders()).extracting(Folder::fullName)
        .containsExactly("INBOX", "Sent Items", "Archiv", "Archiv/2024", "Entwürfe", "All", "Spam", "Outbox!");
    assertThat(actual.special()).extracting(SpecialFolder::use)
        .containsExactlyInAnyOrder(SpecialUse.SENT, SpecialUse.ALL, SpecialUse.ARCHIVE, SpecialUse.DRAFTS, SpecialUse.JUNK);
    assertThat(actual.folders().get(1)).isEqualTo(new Folder("Sent Items", '/', Set.of("\\HasNoChildren", "\\Sent"),
        Optional.of(SpecialUse.SENT)));
    assertThat(actual.folders().get(4).specialUse()).contains(SpecialUse.DRAFTS);
  }

  @Test
  void aNilDelimiterIsNul() throws Exception {
    String line = "* LIST (\\HasNoChildren) NIL Spam";
    Folder spam = SpecialFolders.resolveEntries(List.of(list(line))).folders().get(0);
    assertThat(spam.separator()).isEqualTo('\0');
    assertThat(spam.name()).isEqualTo("Spam");
  }

  @Test
  void resolveEntriesSkipsTheDelimiterQueryAnswer() {
    ListEntry query = list("* LIST (\\Noselect) \"/\" \"\"");
    assertThat(SpecialFolders.resolveEntries(List.of(query, list("* LIST () \"/\" INBOX"))).folders())
        .extracting(Folder::fullName).containsExactly("INBOX");
  }

  // STATUS

  @Test
  void readsStatusAnswers() {
    StatusReply dovecot = ImapReplies.status(response(
        "* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UNSEEN 0 UIDVALIDITY 1700000000 HIGHESTMODSEQ 9223372036854775807)"), false);
    assertThat(dovecot).isEqualTo(new StatusReply("INBOX", Map.of("MESSAGES", 3L, "UIDNEXT", 4L, "UNSEEN", 0L,
        "UIDVALIDITY", 1700000000L, "HIGHESTMODSEQ", Long.MAX_VALUE)));
    StatusReply greenMail = ImapReplies.status(response("* STATUS \"Entw&APw-rfe\" (messages 2 uidnext 5)"), false);
    assertThat(greenMail).isEqualTo(new StatusReply("Entwürfe", Map.of("MESSAGES", 2L, "UIDNEXT", 5L)));
    StatusReply empty = ImapReplies.status(response("* STATUS {5}\r\nSent! ()"), false);
    assertThat(empty).isEqualTo(new StatusReply("Sent!", Map.of()));
  }

  @Test
  void statusLeavesOutValuesThatAreNotNumbers() {
    StatusReply r = ImapReplies.status(response(
        "* STATUS INBOX (MESSAGES 3 X-LIST (a b) UIDNEXT 99999999999999999999 SIZE 12345678901)"), false);
    assertThat(r).isEqualTo(new StatusReply("INBOX", Map.of("MESSAGES", 3L, "SIZE", 12345678901L)));
  }

  @Test
  void malformedStatusAnswersGiveNull() {
    for (String line : List.of("* STATUS INBOX MESSAGES 3", "* STATUS INBOX (MESSAGES)", "* STATUS (MESSAGES 3)",
        "* STATUS INBOX ((MESSAGES) 3)", "* STATUS INBOX (MESSAGES 3) extra", "* LIST () \"/\" INBOX")) {
      assertThat(ImapReplies.status(response(line), false)).as(line).isNull();
    }
  }

  // NAMESPACE

  @Test
  void readsThePersonalNamespace() {
    assertThat(ImapReplies.personalNamespace(response("* NAMESPACE ((\"\" \"/\")) NIL NIL")))
        .isEqualTo(new Namespace("", '/'));
    assertThat(ImapReplies.personalNamespace(response(
        "* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\")(\"shared.\" \".\"))"))) // Courier
        .isEqualTo(new Namespace("INBOX.", '.'));
    assertThat(ImapReplies.personalNamespace(response(
        "* NAMESPACE ((\"INBOX.\" \".\")) ((\"user.\" \".\")) ((\"\" \".\"))"))) // Cyrus
        .isEqualTo(new Namespace("INBOX.", '.'));
    assertThat(ImapReplies.personalNamespace(response(
        "* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\"))) NIL NIL"))) // RFC 2342 extension
        .isEqualTo(new Namespace("", '/'));
    assertThat(ImapReplies.personalNamespace(response("* NAMESPACE ((\"\" NIL)) NIL NIL")))
        .isEqualTo(new Namespace("", '\0'));
  }

  @Test
  void noPersonalNamespaceGivesNull() {
    for (String line : List.of("* NAMESPACE NIL NIL ((\"\" \"/\"))", "* NAMESPACE () NIL NIL", "* NAMESPACE",
        "* NAMESPACE ((\"\")) NIL NIL", "* NAMESPACE ((\"\" \"//\")) NIL NIL", "* NAMESPACE ((NIL \"/\")) NIL NIL",
        "* LIST () \"/\" INBOX")) {
      assertThat(ImapReplies.personalNamespace(response(line))).as(line).isNull();
    }
  }

  // QUOTA

  @Test
  void readsQuotasAsDovecotCyrusAndGreenMailSendThem() {
    List<ImapResponse> rs = responses("* QUOTAROOT INBOX \"User quota\"\r\n"
        + "* QUOTA \"User quota\" (STORAGE 10 1024 MESSAGE 2 1000)\r\n"
        + "* QUOTA INBOX (STORAGE 3 512)\r\n"
        + "* QUOTA \"\" ()\r\n"
        + "a1 OK Getquotaroot completed.\r\n");
    assertThat(ImapReplies.quotas(rs)).containsExactly(
        new Quota("User quota", List.of(new Quota.Resource("STORAGE", 10, 1024), new Quota.Resource("MESSAGE", 2, 1000))),
        new Quota("INBOX", List.of(new Quota.Resource("STORAGE", 3, 512))),
        new Quota("", List.of()));
  }

  @Test
  void courierBareQuotaIsAQuotaWithoutResources() {
    List<ImapResponse> rs = responses("* QUOTAROOT \"INBOX\" \"ROOT\"\r\n* QUOTA \"ROOT\"\r\na1 OK GETQUOTAROOT\r\n");
    assertThat(ImapReplies.quotas(rs)).containsExactly(new Quota("ROOT", List.of()));
  }

  @Test
  void quotaResourcesThatAreNotNumbersAreLeftOut() {
    List<ImapResponse> rs = responses("* QUOTA r (STORAGE x 5 MESSAGE 1 2 TRAILING 7)\r\n* QUOTA\r\n"
        + "* QUOTA (STORAGE 1 2)\r\n* QUOTA big (STORAGE 18446744073709551615 1 STORAGE 1 9223372036854775807)\r\n");
    assertThat(ImapReplies.quotas(rs)).containsExactly(
        new Quota("r", List.of(new Quota.Resource("MESSAGE", 1, 2))),
        new Quota("big", List.of(new Quota.Resource("STORAGE", 1, Long.MAX_VALUE))));
  }

  // COPYUID and APPENDUID

  @Test
  void readsCopyUidFromATaggedOk() throws ServerLimitException {
    CopyUid dovecot = ImapReplies.copyUid(response(
        "a1 OK [COPYUID 1700000001 304,319:320 3956:3958] Copy completed (0.001 + 0.000 secs)."));
    assertThat(dovecot).isNotNull();
    assertThat(dovecot.uidValidity()).isEqualTo(1700000001L);
    assertThat(dovecot.source()).containsExactly(304, 319, 320);
    assertThat(dovecot.destination()).containsExactly(3956, 3957, 3958);
    CopyUid greenMail = ImapReplies.copyUid(response("a2 OK [COPYUID 1 1 1] COPY completed."));
    assertThat(greenMail.source()).containsExactly(1);
  }

  @Test
  void readsCopyUidFromTheUntaggedOkOfMove() throws ServerLimitException {
    CopyUid cyrus = ImapReplies.copyUid(response("* OK [COPYUID 432432 42:43,45 8:10] Moved"));
    assertThat(cyrus.source()).containsExactly(42, 43, 45);
    assertThat(cyrus.destination()).containsExactly(8, 9, 10);
    CopyUid serverOrder = ImapReplies.copyUid(response("* OK [COPYUID 7 9,3 20:21]"));
    assertThat(serverOrder.source()).containsExactly(9, 3);
    assertThat(serverOrder.destination()).containsExactly(20, 21);
  }

  @Test
  void malformedCopyUidGivesNull() throws ServerLimitException {
    for (String line : List.of("a1 OK Copy completed.", "a1 NO [COPYUID 1 1 1] no", "a1 OK [COPYUID 1 1:2 5] odd",
        "a1 OK [COPYUID 0 1 1] zero validity", "a1 OK [COPYUID 1 * 1]", "a1 OK [COPYUID 1 1]",
        "a1 OK [APPENDUID 1 1]", "a1 OK [COPYUID x 1 1]", "* 3 EXPUNGE", "* LIST () \"/\" x")) {
      assertThat(ImapReplies.copyUid(response(line))).as(line).isNull();
    }
  }

  @Test
  void aCopyUidOfBillionsOfUidsEndsWithALimit() {
    assertThatThrownBy(() -> ImapReplies.copyUid(response("a1 OK [COPYUID 1 1:4294967295 1:4294967295] done")))
        .isInstanceOf(ServerLimitException.class).hasMessageContaining("maxUids");
  }

  @Test
  void readsAppendUid() {
    assertThat(ImapReplies.appendUid(response("a3 OK [APPENDUID 1700000001 8] Append completed.")))
        .isEqualTo(new AppendUid(1700000001L, 8));
    assertThat(ImapReplies.appendUid(response("a3 OK [APPENDUID 38505 3955] APPEND completed")))
        .isEqualTo(new AppendUid(38505, 3955));
    for (String line : List.of("a3 OK [APPENDUID 1 8:9] multiappend", "a3 OK done", "a3 NO [APPENDUID 1 2] no",
        "a3 OK [APPENDUID 1 0]", "a3 OK [APPENDUID 1 4294967296]", "a3 OK [APPENDUID 1]")) {
      assertThat(ImapReplies.appendUid(response(line))).as(line).isNull();
    }
  }

  // SEARCH and ESEARCH

  @Test
  void readsSearchAnswers() throws ServerLimitException {
    assertThat(ImapReplies.searchUids(response("* SEARCH 84 2 882 2"))).containsExactly(2, 84, 882);
    assertThat(ImapReplies.searchUids(response("* SEARCH"))).isEmpty();
    assertThat(ImapReplies.searchUids(response("* SEARCH 1 5 (MODSEQ 917162500)"))).containsExactly(1, 5);
    assertThat(ImapReplies.searchUids(response("* SEARCH 1 0 x 4294967296 3"))).containsExactly(1, 3);
  }

  @Test
  void readsEsearchAnswers() throws ServerLimitException {
    assertThat(ImapReplies.searchUids(response("* ESEARCH (TAG \"a4\") UID ALL 1:3,5"))).containsExactly(1, 2, 3, 5);
    assertThat(ImapReplies.searchUids(response("* ESEARCH (TAG \"a4\") UID COUNT 4 ALL 5,1:3 MODSEQ 9")))
        .containsExactly(1, 2, 3, 5);
    assertThat(ImapReplies.searchUids(response("* ESEARCH UID ALL 7"))).containsExactly(7);
    assertThat(ImapReplies.searchUids(response("* ESEARCH (TAG \"a5\") UID COUNT 0"))).isEmpty();
    assertThat(ImapReplies.searchUids(response("* ESEARCH (TAG \"a6\") UID MIN 2 MAX 9"))).containsExactly(2, 9);
    assertThat(ImapReplies.searchUids(response("* ESEARCH (TAG \"a6\") UID MIN 2 MAX 2"))).containsExactly(2);
  }

  @Test
  void esearchBySequenceNumberOrMalformedGivesNoUids() throws ServerLimitException {
    for (String line : List.of("* ESEARCH (TAG \"a7\") ALL 1:3", "* ESEARCH (TAG \"a7\") UID ALL *",
        "* ESEARCH (TAG \"a7\") UID ALL", "* ESEARCH (TAG \"a7\") UID (ALL) 1", "* 3 EXISTS", "a1 OK SEARCH done")) {
      assertThat(ImapReplies.searchUids(response(line))).as(line).isEmpty();
    }
  }

  @Test
  void anEsearchOfBillionsOfUidsEndsWithALimit() {
    assertThatThrownBy(() -> ImapReplies.searchUids(response("* ESEARCH (TAG \"x\") UID ALL 1:4294967295")))
        .isInstanceOf(ServerLimitException.class)
        .hasMessage("the server sent a UID set of 4294967295 UIDs; the limit is 10000000 (maxUids)");
  }

  // VANISHED

  @Test
  void readsVanishedAnswers() throws ServerLimitException {
    Vanished earlier = ImapReplies.vanished(response("* VANISHED (EARLIER) 41,43:45,118"));
    assertThat(earlier).isNotNull();
    assertThat(earlier.earlier()).isTrue();
    assertThat(earlier.uids()).containsExactly(41, 43, 44, 45, 118);
    Vanished now = ImapReplies.vanished(response("* VANISHED 405,407,410,425"));
    assertThat(now.earlier()).isFalse();
    assertThat(now.uids()).containsExactly(405, 407, 410, 425);
    assertThat(ImapReplies.vanished(response("* VANISHED 5")).uids()).containsExactly(5);
  }

  @Test
  void malformedVanishedGivesNull() throws ServerLimitException {
    for (String line : List.of("* VANISHED", "* VANISHED (EARLIER)", "* VANISHED (LATER) 1", "* VANISHED 1 2",
        "* VANISHED 0", "* VANISHED *", "* 3 EXPUNGE")) {
      assertThat(ImapReplies.vanished(response(line))).as(line).isNull();
    }
    assertThatThrownBy(() -> ImapReplies.vanished(response("* VANISHED (EARLIER) 1:4294967295")))
        .isInstanceOf(ServerLimitException.class);
  }

  // Flags

  @Test
  void readsFlagListsAsSent() {
    ImapResponse flags = response("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)");
    assertThat(ImapReplies.flags(flags.item(1)))
        .containsExactly("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "$Forwarded");
    ImapResponse permanent = response("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Flags permitted.");
    assertThat(ImapReplies.flags(permanent.code().get(1))).containsExactly("\\Deleted", "\\Seen", "\\*");
    assertThat(ImapReplies.flags(response("* FLAGS (\\Seen \"odd\" (x) NIL $Label1)").item(1)))
        .containsExactly("\\Seen", "$Label1");
    assertThat(ImapReplies.flags(response("* FLAGS x").item(1))).isEmpty();
  }

  @Test
  void flagListMatchesTheAngusPath() {
    assertThat(ImapReplies.flagList(Set.of(Flag.FLAGGED, Flag.SEEN))).isEqualTo("(\\Seen \\Flagged)");
    assertThat(ImapReplies.flagList(Set.of())).isEqualTo("()");
    for (Set<Flag> flags : List.of(EnumSet.allOf(Flag.class), EnumSet.of(Flag.DRAFT), EnumSet.of(Flag.ANSWERED,
        Flag.DELETED))) {
      assertThat(ImapReplies.flagList(flags)).isEqualTo(Imap.flagList(flags));
    }
  }

  @Test
  void keywordListMatchesTheAngusPathAndChecksEachKeyword() {
    Set<String> keywords = new LinkedHashSet<>(List.of("$Label1", "Work", "$Junk"));
    assertThat(ImapReplies.keywordList(keywords)).isEqualTo("($Label1 Work $Junk)").isEqualTo(Imap.keywordList(keywords));
    assertThat(ImapReplies.keywordList(Set.of())).isEqualTo("()");
    for (String bad : List.of("", "two words", "\\Seen", "a)", "x\r\nA1 DELETE INBOX", "caf\u00e9", "50%")) {
      assertThatThrownBy(() -> ImapReplies.keywordList(Set.of(bad))).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("keyword must be a non-empty IMAP atom without a leading backslash, was \""
              + bad.replace("\r", "\\x0d").replace("\n", "\\x0a") + "\"");
      assertThatThrownBy(() -> Imap.keywordList(Set.of(bad))).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
