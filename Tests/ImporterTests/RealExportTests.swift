import ClientBase
import Foundation
@testable import Importer
import TestSupport
import Testing
import Workbook

/// Issue 17, "Migrations from real exports": files as Android, iOS, Mac Address Book, Outlook,
/// Thunderbird, Gmail, Evolution and The Bat! write them (invented names, layouts and encodings
/// as those programs write them), imported end to end with the real plugins, rules and SQLite.
@Suite struct RealExportTests {
    /// A Mac Address Book card (vCard 3.0, grouped labelled phone) and an iPhone one.
    static let appleCards = """
        BEGIN:VCARD\r
        VERSION:3.0\r
        N:Lefèvre;Amélie;;;\r
        FN:Amélie Lefèvre\r
        item1.TEL;type=pref:+33 6 12 34 56 78\r
        item1.X-ABLabel:_$!<Mobile>!$_\r
        EMAIL;type=INTERNET;type=HOME:amelie@example.fr\r
        END:VCARD\r
        BEGIN:VCARD\r
        VERSION:3.0\r
        N:Kovalenko;Oksana;;;\r
        FN:Oksana Kovalenko\r
        TEL;type=CELL;type=VOICE:+380 50 123 45 67\r
        END:VCARD\r

        """

    /// Bytes of `text` in `encoding`, with a byte-order mark when `bom`.
    static func bytes(_ text: String, _ encoding: String.Encoding, bom: Bool) -> Data {
        var data = Data()
        if bom {
            switch encoding {
            case .utf16LittleEndian: data.append(contentsOf: [0xFF, 0xFE])
            case .utf16BigEndian: data.append(contentsOf: [0xFE, 0xFF])
            default: data.append(contentsOf: [0xEF, 0xBB, 0xBF])
            }
        }
        data.append(text.data(using: encoding)!)
        return data
    }

    static func write(_ fixture: ImportFixture, _ name: String, _ data: Data) throws -> String {
        let path = fixture.folder.file(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func importing(_ name: String, _ data: Data, _ configure: (inout ImportOptions) -> Void = { _ in })
        throws -> (ImportReport, [Client]) {
        let fixture = try ImportFixture()
        let report = try fixture.run(try write(fixture, name, data), configure)
        return (report, try fixture.allClients().sorted { $0.id < $1.id })
    }

    // MARK: A non-empty file that yields no client

    /// Before: the bytes reached Lua as UTF-8 with a NUL in every other byte, no BEGIN:VCARD was
    /// found, and the import said "imported", 0 rows, exit 0.
    @Test(arguments: [("utf-16le BOM", String.Encoding.utf16LittleEndian, true),
                      ("utf-16be BOM", .utf16BigEndian, true),
                      ("utf-16le", .utf16LittleEndian, false),
                      ("utf-16be", .utf16BigEndian, false),
                      ("utf-8 BOM", .utf8, true)])
    func vCardsInUnicodeEncodingsAreRead(_ label: String, _ encoding: String.Encoding, _ bom: Bool) throws {
        let (report, clients) = try Self.importing("Address Book.vcf", Self.bytes(Self.appleCards, encoding, bom: bom))
        #expect(report.status == .imported, "\(label): \(report.errors)")
        try #require(clients.count == 2, "\(label)")
        #expect(clients[0].name == "Amélie" && clients[0].lastName == "Lefèvre")
        #expect(clients[0].phones == ["33612345678"])
        #expect(clients[1].name == "Oksana" && clients[1].lastName == "Kovalenko")
    }

    /// Bytes that hold no card are refused naming the file and what was read, and no base is
    /// touched: never "imported" with 0 rows.
    @Test(arguments: [("a CSV saved as .vcf", Data("Name,Phone\nJean,0612345678\n".utf8)),
                      ("a vCard cut before its BEGIN line", Data("VERSION:3.0\nFN:Jean\nEND:VCARD\n".utf8)),
                      ("Latin-1 text", Data([0x4E, 0x6F, 0xE9, 0x6C, 0x0A]))])
    func aFileWithDataButNoCardIsRefused(_ label: String, _ data: Data) throws {
        let fixture = try ImportFixture()
        let path = try Self.write(fixture, "contacts.vcf", data)
        let error = try #require(throws: WorkbookError.self, "\(label)") { try fixture.run(path) }
        #expect(error.kind == .unreadable)
        #expect(error.description.contains("contacts.vcf"))
        #expect(error.description.contains("no row"))
        #expect(try fixture.allClients().isEmpty)
    }

    /// A file of white space only is an empty file, as before (the headers are missing).
    @Test func aBlankVCardFileIsEmptyNotUnreadable() throws {
        let (report, clients) = try Self.importing("blank.vcf", Data("\r\n \n".utf8))
        #expect(report.status == .rejected)
        #expect(report.errors.first?.message.contains("empty") == true)
        #expect(clients.isEmpty)
    }

    /// Headers and no data row below them: rejected with a message, for the template (an empty
    /// template as `clientimport template` writes it) and for a plugin's export alike.
    @Test(arguments: [("template", ImportFixture.frenchHeaders.joined(separator: ";") + "\n"),
                      ("Outlook", "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,Business City,Business Postal Code,Business Country/Region,Home Street,Home City,Home Postal Code,Home Country/Region,Business Phone,Home Phone,Mobile Phone,Primary Phone,E-mail Address,E-mail 2 Address,E-mail 3 Address,Notes,Categories,Web Page\n\n")])
    func headersWithoutRowsAreRejected(_ label: String, _ text: String) throws {
        let (report, clients) = try Self.importing("\(label).csv", Data(text.utf8))
        #expect(report.status == .rejected, "\(label)")
        #expect(report.errors.first?.message.contains("no data row") == true, "\(label): \(report.errors)")
        #expect(clients.isEmpty)
    }

    // MARK: CHARSET and 8-bit text

    /// vCard 2.1 as Outlook, old Nokia/Sony Ericsson phones and The Bat! write it: 8-bit bytes
    /// with a declared CHARSET, quoted-printable in ISO-8859-x or Windows code pages.
    @Test func declaredCharsetsAreHonoured() throws {
        var data = Data("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=Windows-1252:M".utf8)
        data.append(contentsOf: [0xFC]) // ü
        data.append(Data("ller;J".utf8))
        data.append(contentsOf: [0xFC])
        data.append(Data("rgen\r\nTEL;CELL:+49 170 1234567\r\nNOTE;CHARSET=ISO-8859-15;ENCODING=QUOTED-PRINTABLE:Prix =A4 10\r\nEND:VCARD\r\n".utf8))
        data.append(Data("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-5;ENCODING=QUOTED-PRINTABLE:=BF=D5=E2=E0=DE=D2;=B8=D2=D0=DD\r\n".utf8))
        data.append(Data("TEL;CELL:+7 912 345 67 89\r\nEND:VCARD\r\n".utf8))
        data.append(Data("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=WINDOWS-1251:".utf8))
        data.append(contentsOf: [0xD8, 0xE5, 0xE2, 0xF7, 0xE5, 0xED, 0xEA, 0xEE, 0x3B, 0xCE, 0xEB, 0xE5, 0xED, 0xE0]) // Шевченко;Олена
        data.append(Data("\r\nTEL;CELL:+380 67 000 11 22\r\nEND:VCARD\r\n".utf8))
        let (report, clients) = try Self.importing("The Bat.vcf", data)
        #expect(report.status == .imported, "\(report.errors)")
        try #require(clients.count == 3)
        #expect(clients[0].name == "Jürgen" && clients[0].lastName == "Müller")
        #expect(clients[0].notes.contains("Prix € 10"))
        #expect(clients[1].name == "Иван" && clients[1].lastName == "Петров")
        #expect(clients[2].name == "Олена" && clients[2].lastName == "Шевченко")
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        #expect(!clients.contains { "\($0.name)\($0.lastName)\($0.notes)".contains("\u{FFFD}") })
    }

    /// Undeclared 8-bit text is read as the code page it looks like, with a warning on its row;
    /// a quoted-printable value in no charset, or not UTF-8 though it says so, the same.
    @Test func undeclaredEightBitTextIsDetectedWithAWarning() throws {
        var data = Data("BEGIN:VCARD\r\nVERSION:2.1\r\nN:L".utf8)
        data.append(contentsOf: [0xE9]) // é in Windows-1252
        data.append(Data("vesque;Ren".utf8))
        data.append(contentsOf: [0xE9])
        data.append(Data("\r\nTEL;CELL:+1 514 555 0101\r\nEND:VCARD\r\n".utf8))
        data.append(Data("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Fran=E7ois;Beno=EEt\r\nTEL;CELL:+1 514 555 0102\r\nEND:VCARD\r\n".utf8))
        let (report, clients) = try Self.importing("phone.vcf", data)
        #expect(report.status == .imported, "\(report.errors)")
        try #require(clients.count == 2)
        #expect(clients[0].name == "René" && clients[0].lastName == "Lévesque")
        #expect(clients[1].name == "Benoît" && clients[1].lastName == "François")
        #expect(report.warnings.contains { $0.row == 2 && $0.message.contains("no CHARSET") && $0.message.contains("windows-1252") })
        #expect(report.warnings.contains { $0.row == 3 && $0.message.contains("not valid UTF-8") })
        #expect(!clients.contains { "\($0.name)\($0.lastName)".contains("\u{FFFD}") })
    }

    /// The host's decoder on its own: each declared charset, and every fallback says so.
    @Test func decodeBytesSaysWhenItGuessed() {
        #expect(TextEncoding.decodeBytes([0x43, 0x61, 0x66, 0xC3, 0xA9], declared: nil) == ("Café", "utf-8", false))
        #expect(TextEncoding.decodeBytes([0x43, 0x61, 0x66, 0xE9], declared: "ISO-8859-1") == ("Café", "ISO-8859-1", false))
        #expect(TextEncoding.decodeBytes([0xA4], declared: "iso-8859-15").text == "€")
        #expect(TextEncoding.decodeBytes([0xA4], declared: "latin1").text == "¤")
        #expect(TextEncoding.decodeBytes([0xB0, 0xEF, 0xF0], declared: "ISO-8859-5").text == "Ая№")
        #expect(TextEncoding.decodeBytes([0x43, 0x61, 0x66, 0xE9], declared: "UTF-8").guessed)
        #expect(TextEncoding.decodeBytes([0x43, 0x61, 0x66, 0xE9], declared: "x-unknown").guessed)
        #expect(TextEncoding.decodeBytes([0x43, 0x61, 0x66, 0xE9], declared: nil) == ("Café", "windows-1252", true))
    }

    // MARK: Phones, notes and names

    /// RFC 6350's TEL URI with an extension, and the "x102"/"ext. 102" of older exports.
    @Test func telephoneExtensionsKeepTheNumber() throws {
        let text = """
            BEGIN:VCARD\r
            VERSION:4.0\r
            FN:Gilles Roy\r
            N:Roy;Gilles;;;\r
            TEL;VALUE=uri;TYPE=work:tel:+1-418-656-9254;ext=102\r
            END:VCARD\r
            BEGIN:VCARD\r
            VERSION:3.0\r
            FN:Anne Roy\r
            N:Roy;Anne;;;\r
            TEL;TYPE=WORK:+1 418 656 9255 x203\r
            TEL;TYPE=HOME:+1 418 656 9256 ext. 7\r
            END:VCARD\r

            """
        let (report, clients) = try Self.importing("evolution.vcf", Data(text.utf8))
        #expect(report.status == .imported, "\(report.errors)")
        try #require(clients.count == 2)
        #expect(clients[0].phones == ["14186569254"])
        #expect(clients[0].notes.contains("extension 102"))
        #expect(clients[1].phones == ["14186569255", "14186569256"])
        #expect(clients[1].notes.contains("extension 203") && clients[1].notes.contains("extension 7"))
    }

    /// A hostile TEL (a long run of spaces, "x" after "x") is a row error like any bad phone,
    /// never a refused plugin: the extension search only looks at values as short as a phone.
    @Test func aHugeTelephoneValueIsARowError() throws {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean\r\nTEL:1" + String(repeating: " ", count: 300_000)
            + "1\r\nTEL:1" + String(repeating: " x", count: 50_000) + "\r\nEND:VCARD\r\n"
        let (report, clients) = try Self.importing("hostile.vcf", Data(text.utf8))
        #expect(report.status == .rejected)
        #expect(report.errors.first?.row == 2)
        #expect(clients.isEmpty)
    }

    /// Evolution and Apple write several NOTEs; Thunderbird's and some phones' N holds only the
    /// family name while FN has the whole name.
    @Test func everyNoteIsKeptAndAGivenNameOnlyInFNToo() throws {
        let text = """
            BEGIN:VCARD\r
            VERSION:3.0\r
            N:Bernard;;;;\r
            FN:Claire Bernard\r
            TEL:+33 6 11 22 33 44\r
            NOTE:Prefers SMS\r
            NOTE:Screen replaced 2024\r
            END:VCARD\r
            BEGIN:VCARD\r
            VERSION:3.0\r
            N:Moreau;;;;\r
            FN:Moreau\r
            TEL:+33 6 11 22 33 45\r
            END:VCARD\r

            """
        let (report, clients) = try Self.importing("thunderbird.vcf", Data(text.utf8))
        #expect(report.status == .imported, "\(report.errors)")
        try #require(clients.count == 2)
        #expect(clients[0].name == "Claire" && clients[0].lastName == "Bernard")
        #expect(clients[0].notes.contains("Prefers SMS") && clients[0].notes.contains("Screen replaced 2024"))
        #expect(clients[1].name == "Moreau" && clients[1].lastName == "")
    }

    // MARK: Localized Outlook and the language of messages

    /// A localized Outlook's header row (a part of its 92 columns) and one contact.
    static let localizedOutlook: [(language: String, csv: String)] = [
        ("de", """
            Anrede,Vorname,Weitere Vornamen,Nachname,Suffix,Firma,Abteilung,Position,Straße geschäftlich,Ort geschäftlich,Postleitzahl geschäftlich,Land/Region geschäftlich,Straße privat,Ort privat,Postleitzahl privat,Land/Region privat,Telefon geschäftlich,Telefon privat,Mobiltelefon,Haupttelefon,E-Mail-Adresse,E-Mail: Angezeigter Name,E-Mail 2: Adresse,Notizen,Kategorien,Webseite
            ,Jürgen,,Weber,,,,,,,,,Ringstraße 4,Köln,50667,Deutschland,,,+49 170 555 0102,,j.weber@example.de,Jürgen Weber,,Stammkunde,,

            """),
        ("fr", """
            Titre,Prénom,Deuxième prénom,Nom,Suffixe,Société,Service,Titre,Rue (bureau),Ville (bureau),Code postal (bureau),Pays/Région (bureau),Rue (domicile),Ville (domicile),Code postal (domicile),Pays/Région (domicile),Téléphone (bureau),Téléphone (domicile),Tél. mobile,Téléphone principal,Adresse de messagerie,Adresse de messagerie 2,Adresse de messagerie 3,Notes,Catégories,Page Web
            ,Élise,,Martin,,,,,,,,,12 rue des Lilas,Lyon,69003,France,,,+33 6 55 44 33 22,,elise@example.fr,,,Cliente fidèle,,

            """),
        ("ru", """
            Обращение,Имя,Отчество,Фамилия,Суффикс,Организация,Отдел,Должность,Улица (раб. адрес),Город (раб. адрес),Индекс (раб. адрес),Страна или регион (раб. адрес),Улица (дом. адрес),Город (дом. адрес),Почтовый код (дом.),Страна или регион (дом. адрес),Рабочий телефон,Домашний телефон,Телефон переносной,Основной телефон,Адрес эл. почты,Краткое имя эл. почты,Адрес 2 эл. почты,Адрес 3 эл. почты,Заметки,Категории,Веб-страница
            ,Иван,Петрович,Смирнов,,,,,,,,,ул. Ленина 1,Казань,420000,Россия,,,+7 912 345 67 89,,ivan@example.ru,Иван Смирнов,,,Постоянный клиент,,

            """),
        ("uk", """
            Звертання,Ім'я,По батькові,Прізвище,Суфікс,Організація,Відділ,Посада,Вулиця (робоча адреса),Місто (робоча адреса),Поштовий індекс (робоча адреса),Країна або регіон (робоча адреса),Вулиця (домашня адреса),Місто (домашня адреса),Поштовий індекс (домашня адреса),Країна або регіон (домашня адреса),Робочий телефон,Домашній телефон,Мобільний телефон,Основний телефон,Адреса електронної пошти,Адреса електронної пошти 2,Адреса електронної пошти 3,Примітки,Категорії,Веб-сторінка
            ,Олена,Іванівна,Шевченко,,,,,,,,,вул. Хрещатик 1,Київ,01001,Україна,,,+380 50 123 45 67,,olena@example.ua,,,Постійна клієнтка,,

            """),
    ]

    /// Before: no plugin recognised these headers ("neither the template's nor an export a
    /// plugin recognises"), and a plugin import's messages were French whatever the file.
    @Test(arguments: localizedOutlook.map(\.language))
    func localizedOutlookIsRecognisedAndSpeaksItsLanguage(_ language: String) throws {
        let csv = try #require(Self.localizedOutlook.first { $0.language == language }).csv
        let (report, clients) = try Self.importing("outlook-\(language).csv", Data(csv.utf8))
        #expect(report.status == .imported, "\(language): \(report.errors)")
        #expect(report.plugin == "outlook")
        // The rule set speaks fr, en, ru and uk: a German file gets English.
        #expect(report.language == (language == "de" ? "en" : language))
        let client = try #require(clients.first)
        #expect(!client.name.isEmpty && !client.lastName.isEmpty && client.phones.count == 1)
        #expect(client.email.contains("@example."))
        #expect(!client.address.isEmpty && !client.notes.isEmpty)
    }

    /// A French Outlook's error is in French, an English Google export's in English (it was
    /// French, the rule set's first language), and `--lang` still wins.
    @Test func messagesFollowTheHeadersLanguage() throws {
        let french = try #require(Self.localizedOutlook.first { $0.language == "fr" }).csv
            .replacingOccurrences(of: "+33 6 55 44 33 22", with: "pas-un-numero")
        let (frenchReport, _) = try Self.importing("outlook-fr.csv", Data(french.utf8))
        #expect(frenchReport.status == .rejected)
        #expect(frenchReport.errors.first?.message.contains("n'est pas un numéro") == true, "\(frenchReport.errors)")

        let google = "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value\nJohn Smith,John,Smith,* Home,john@example.com,Mobile,not-a-phone\n"
        let (englishReport, _) = try Self.importing("google.csv", Data(google.utf8))
        #expect(englishReport.plugin == "google-contacts")
        #expect(englishReport.language == "en")
        #expect(englishReport.errors.first?.message.contains("is not a phone number") == true, "\(englishReport.errors)")

        let (chosen, _) = try Self.importing("google.csv", Data(google.utf8)) { $0.language = "ru" }
        #expect(chosen.language == "ru")
    }

    /// A file whose headers say nothing of their language (a vCard's) speaks English.
    @Test func vCardMessagesAreEnglish() throws {
        let (report, _) = try Self.importing("cards.vcf", Data(Self.appleCards.utf8))
        #expect(report.language == "en")
    }
}
