package dev.satchel.mail.imap;

import dev.satchel.mail.Folder;
import dev.satchel.mail.SpecialFolder;
import dev.satchel.mail.SpecialUse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Special-use folders from the server's LIST attributes (RFC 6154), with a fallback on common folder
 * names in several languages for roles the server marks on no folder.
 */
final class SpecialFolders {
  /** Common names per role, compared case-insensitively with the last path segment and the full name. */
  static final Map<SpecialUse, List<String>> NAMES = new EnumMap<>(SpecialUse.class);

  static {
    NAMES.put(SpecialUse.SENT, List.of("Sent", "Sent Items", "Sent Messages", "Sent Mail", "Sent-Mail", "Outbox sent",
        "Gesendet", "Gesendete Elemente", "Gesendete Objekte", "Envoyés", "Éléments envoyés", "Messages envoyés",
        "Enviados", "Elementos enviados", "Correo enviado", "Posta inviata", "Inviata", "Inviati", "Verzonden",
        "Verzonden items", "Skickat", "Skickade objekt", "Sendt", "Wysłane", "Отправленные", "已发送", "已發送",
        "已发送邮件", "送信済み", "送信済みアイテム", "보낸편지함"));
    NAMES.put(SpecialUse.DRAFTS, List.of("Drafts", "Draft", "Entwürfe", "Brouillons", "Borradores", "Bozze",
        "Concepten", "Utkast", "Kladder", "Kopie robocze", "Черновики", "草稿", "草稿箱", "下書き", "임시보관함"));
    NAMES.put(SpecialUse.TRASH, List.of("Trash", "Deleted Items", "Deleted Messages", "Deleted", "Bin", "Papierkorb",
        "Gelöschte Elemente", "Gelöschte Objekte", "Corbeille", "Éléments supprimés", "Papelera",
        "Elementos eliminados", "Cestino", "Posta eliminata", "Prullenbak", "Verwijderde items", "Papperskorgen",
        "Borttagna objekt", "Kosz", "Корзина", "Удаленные", "已删除", "已刪除", "已删除邮件", "ごみ箱", "휴지통"));
    NAMES.put(SpecialUse.JUNK, List.of("Junk", "Spam", "Junk E-mail", "Junk Email", "Junk Mail", "Bulk Mail",
        "Junk-E-Mail", "Spamverdacht", "Indésirables", "Courrier indésirable", "Pourriel", "Correo no deseado",
        "Posta indesiderata", "Ongewenste e-mail", "Skräppost", "Skräp", "Niechciane", "Спам", "垃圾邮件", "垃圾郵件",
        "垃圾箱", "迷惑メール", "스팸메일함"));
    NAMES.put(SpecialUse.ARCHIVE, List.of("Archive", "Archives", "Archiv", "Archivio", "Archivo", "Archivos", "Archief",
        "Arkiv", "Archiwum", "Архив", "归档", "封存", "アーカイブ", "보관함"));
  }

  private SpecialFolders() {}

  /** Folders with roles resolved, and the role list with sources. */
  record Resolved(List<Folder> folders, List<SpecialFolder> special) {}

  /** As {@link #resolveEntries(List)}, for Angus's LIST answers. */
  /**
   * Folders for LIST answers, in order, with roles from special-use attributes and, for roles no
   * folder is marked with, from common names. An entry whose name no folder can have (empty, the
   * answer to {@code LIST "" ""}) is skipped.
   */
  static Resolved resolveEntries(List<ListEntry> entries) {
    List<Folder> raw = new ArrayList<>();
    Map<SpecialUse, SpecialFolder> byUse = new EnumMap<>(SpecialUse.class);
    for (ListEntry e : entries) {
      if (e.name().isEmpty()) {
        continue;
      }
      SpecialUse use = fromAttributes(e.attributes());
      Folder f = new Folder(e.name(), e.delimiter(), e.attributes(), Optional.ofNullable(use));
      raw.add(f);
      if (use != null) {
        byUse.putIfAbsent(use, new SpecialFolder(f, use, SpecialFolder.Source.SERVER));
      }
    }
    for (Map.Entry<SpecialUse, List<String>> e : NAMES.entrySet()) {
      if (byUse.containsKey(e.getKey())) {
        continue;
      }
      Folder guess = byName(raw, e.getValue());
      if (guess != null) {
        byUse.put(e.getKey(), new SpecialFolder(
            new Folder(guess.fullName(), guess.separator(), guess.attributes(), Optional.of(e.getKey())), e.getKey(),
            SpecialFolder.Source.NAME));
      }
    }
    List<Folder> folders = new ArrayList<>(raw.size());
    for (Folder f : raw) {
      Folder resolved = f;
      for (SpecialFolder s : byUse.values()) {
        if (s.folder().fullName().equals(f.fullName())) {
          resolved = s.folder();
        }
      }
      folders.add(resolved);
    }
    return new Resolved(folders, List.copyOf(byUse.values()));
  }

  static @Nullable SpecialUse fromAttributes(Set<String> attrs) {
    for (String a : attrs) {
      switch (a.toLowerCase(Locale.ROOT)) {
        case "\\sent" -> {
          return SpecialUse.SENT;
        }
        case "\\drafts" -> {
          return SpecialUse.DRAFTS;
        }
        case "\\trash" -> {
          return SpecialUse.TRASH;
        }
        case "\\junk" -> {
          return SpecialUse.JUNK;
        }
        case "\\archive" -> {
          return SpecialUse.ARCHIVE;
        }
        case "\\all" -> {
          return SpecialUse.ALL;
        }
        case "\\flagged" -> {
          return SpecialUse.FLAGGED;
        }
        default -> {
          // not a special-use attribute
        }
      }
    }
    return null;
  }

  /** The first folder whose name matches, preferring top-level folders and then INBOX children. */
  private static @Nullable Folder byName(List<Folder> folders, List<String> names) {
    for (String n : names) {
      for (Folder f : folders) {
        if (f.fullName().equalsIgnoreCase(n)) {
          return f;
        }
      }
    }
    for (String n : names) {
      for (Folder f : folders) {
        if (f.name().equalsIgnoreCase(n) && !f.attributes().contains("\\Noselect")) {
          return f;
        }
      }
    }
    return null;
  }
}
