/// The pages' words in the template's four languages, chosen from `Accept-Language` or the
/// language switch. An import's own messages come from the rule set, in the file's language.
enum Localization {
    static let languages = ["fr", "en", "ru", "uk"]
    static let names = ["fr": "Français", "en": "English", "ru": "Русский", "uk": "Українська"]

    /// The language of a request: the switch's cookie, else the first of `Accept-Language` we have, else French.
    static func language(cookie: String?, acceptLanguage: String?) -> String {
        if let cookie, languages.contains(cookie) { return cookie }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let tag = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            let primary = String(tag.prefix { $0 != "-" })
            if languages.contains(primary) { return primary }
        }
        return "fr"
    }

    /// The words of one language (every key exists in every language: a test checks it).
    static func words(_ language: String) -> [String: String] {
        strings[language] ?? strings["fr"]!
    }

    static let strings: [String: [String: String]] = [
        "en": [
            "clients": "Clients", "sign_in": "Sign in", "sign_out": "Sign out", "name": "Name", "password": "Password",
            "import": "Import", "export": "Export", "template": "Import template", "history": "History", "settings": "Settings",
            "search": "Search", "search_hint": "Name, phone or email", "previous": "Previous", "next": "Next",
            "page": "Page", "of": "of", "id": "ID", "phones": "Phones", "email": "Email", "balance": "Balance",
            "owes_you": "owes you", "you_owe": "you owe", "conflicted": "Conflicted", "no_clients": "No clients found.",
            "field": "Field", "value": "Value", "balance_history": "Balance history", "amount": "Amount", "comment": "Comment",
            "batch": "Batch", "date": "Date", "file": "File (XLSX, CSV or vCard)", "language": "Language",
            "on_duplicate": "A new client sharing a phone or email", "dup_create": "create it anyway", "dup_skip": "skip the row",
            "dup_update": "update the other client", "check": "Check the file", "check_again": "Check again",
            "confirm": "Import", "errors": "Errors", "warnings": "Warnings", "row": "Row", "column": "Column", "cell": "Cell",
            "message": "Message", "bad_rows": "Rows with errors", "fix_hint": "Correct the cells marked in red, then check again.",
            "plugin": "Read with plugin", "checked_ok": "No errors. Nothing has changed yet: press Import to write the clients.",
            "rejected": "The file has errors; nothing was changed.", "imported": "Imported", "created": "created",
            "updated": "updated", "unchanged": "unchanged", "corrections": "balance corrections", "rows": "rows",
            "see_batch": "See the batch in the history", "error_workbook": "Download your rows with the errors marked",
            "who": "Who", "when": "When", "rule_set": "Rule set", "counts": "Counts", "undo": "Undo",
            "undo_question": "Undo this batch? Created clients are removed, updated clients restored, balance corrections reversed.",
            "undone": "The batch was undone.", "format": "Format", "download": "Download",
            "marketing_sources": "Marketing sources", "price_types": "Price types", "custom_fields": "Custom fields",
            "roles": "Roles", "employees": "Employees", "add": "Add", "type": "Type", "role": "Role",
            "can_adjust_balance": "May adjust client balances", "can_manage_settings": "May manage settings",
            "yes": "yes", "no": "no", "sign_in_failed": "Wrong name or password.",
            "too_many": "Too many failed sign-ins for this name: wait a few minutes and try again.",
            "forbidden": "Your role may not do this.", "expired_form": "This form has expired: reload the page and try again.",
            "not_found": "Not found.", "busy": "Another import is writing into the base: try again in a few seconds.",
            "progress": "Working…", "cancel": "Cancel", "back": "Back", "phone": "Phone", "notes": "Notes", "address": "Address",
            "last_name": "Last name", "skip_link": "Skip to the content", "none_sure": "No layout was recognised with confidence.",
        ],
        "fr": [
            "clients": "Clients", "sign_in": "Se connecter", "sign_out": "Se déconnecter", "name": "Nom", "password": "Mot de passe",
            "import": "Importer", "export": "Exporter", "template": "Modèle d'importation", "history": "Historique", "settings": "Paramètres",
            "search": "Rechercher", "search_hint": "Nom, téléphone ou email", "previous": "Précédent", "next": "Suivant",
            "page": "Page", "of": "sur", "id": "ID", "phones": "Téléphones", "email": "Email", "balance": "Solde",
            "owes_you": "vous doit", "you_owe": "vous lui devez", "conflicted": "Déçu", "no_clients": "Aucun client trouvé.",
            "field": "Champ", "value": "Valeur", "balance_history": "Historique du solde", "amount": "Montant", "comment": "Commentaire",
            "batch": "Lot", "date": "Date", "file": "Fichier (XLSX, CSV ou vCard)", "language": "Langue",
            "on_duplicate": "Nouveau client partageant un téléphone ou un email", "dup_create": "le créer quand même",
            "dup_skip": "ignorer la ligne", "dup_update": "mettre à jour l'autre client", "check": "Vérifier le fichier",
            "check_again": "Vérifier à nouveau", "confirm": "Importer", "errors": "Erreurs", "warnings": "Avertissements",
            "row": "Ligne", "column": "Colonne", "cell": "Cellule", "message": "Message", "bad_rows": "Lignes en erreur",
            "fix_hint": "Corrigez les cellules marquées en rouge, puis vérifiez à nouveau.", "plugin": "Lu avec le plugin",
            "checked_ok": "Aucune erreur. Rien n'a encore changé : appuyez sur Importer pour enregistrer les clients.",
            "rejected": "Le fichier contient des erreurs ; rien n'a été modifié.", "imported": "Importé", "created": "créés",
            "updated": "mis à jour", "unchanged": "inchangés", "corrections": "corrections de solde", "rows": "lignes",
            "see_batch": "Voir le lot dans l'historique", "error_workbook": "Télécharger vos lignes avec les erreurs marquées",
            "who": "Qui", "when": "Quand", "rule_set": "Règles", "counts": "Comptes", "undo": "Annuler",
            "undo_question": "Annuler ce lot ? Les clients créés sont supprimés, les clients modifiés restaurés, les corrections de solde inversées.",
            "undone": "Le lot a été annulé.", "format": "Format", "download": "Télécharger",
            "marketing_sources": "Sources marketing", "price_types": "Types de prix", "custom_fields": "Champs personnalisés",
            "roles": "Rôles", "employees": "Employés", "add": "Ajouter", "type": "Type", "role": "Rôle",
            "can_adjust_balance": "Peut ajuster le solde des clients", "can_manage_settings": "Peut gérer les paramètres",
            "yes": "oui", "no": "non", "sign_in_failed": "Nom ou mot de passe incorrect.",
            "too_many": "Trop d'échecs de connexion pour ce nom : attendez quelques minutes.",
            "forbidden": "Votre rôle ne le permet pas.", "expired_form": "Ce formulaire a expiré : rechargez la page et réessayez.",
            "not_found": "Introuvable.", "busy": "Une autre importation écrit dans la base : réessayez dans quelques secondes.",
            "progress": "En cours…", "cancel": "Annuler", "back": "Retour", "phone": "Téléphone", "notes": "Notes", "address": "Adresse",
            "last_name": "Prénom", "skip_link": "Aller au contenu", "none_sure": "Aucune disposition reconnue avec certitude.",
        ],
        "ru": [
            "clients": "Клиенты", "sign_in": "Войти", "sign_out": "Выйти", "name": "Имя", "password": "Пароль",
            "import": "Импорт", "export": "Экспорт", "template": "Шаблон импорта", "history": "История", "settings": "Настройки",
            "search": "Найти", "search_hint": "Имя, телефон или email", "previous": "Назад", "next": "Далее",
            "page": "Страница", "of": "из", "id": "ID", "phones": "Телефоны", "email": "Email", "balance": "Баланс",
            "owes_you": "должен вам", "you_owe": "вы должны", "conflicted": "Конфликтный", "no_clients": "Клиенты не найдены.",
            "field": "Поле", "value": "Значение", "balance_history": "История баланса", "amount": "Сумма", "comment": "Комментарий",
            "batch": "Пакет", "date": "Дата", "file": "Файл (XLSX, CSV или vCard)", "language": "Язык",
            "on_duplicate": "Новый клиент с тем же телефоном или email", "dup_create": "всё равно создать",
            "dup_skip": "пропустить строку", "dup_update": "обновить другого клиента", "check": "Проверить файл",
            "check_again": "Проверить снова", "confirm": "Импортировать", "errors": "Ошибки", "warnings": "Предупреждения",
            "row": "Строка", "column": "Столбец", "cell": "Ячейка", "message": "Сообщение", "bad_rows": "Строки с ошибками",
            "fix_hint": "Исправьте ячейки, отмеченные красным, и проверьте снова.", "plugin": "Прочитано плагином",
            "checked_ok": "Ошибок нет. Пока ничего не изменено: нажмите «Импортировать».",
            "rejected": "В файле есть ошибки; ничего не изменено.", "imported": "Импортировано", "created": "создано",
            "updated": "обновлено", "unchanged": "без изменений", "corrections": "корректировок баланса", "rows": "строк",
            "see_batch": "Открыть пакет в истории", "error_workbook": "Скачать ваши строки с отмеченными ошибками",
            "who": "Кто", "when": "Когда", "rule_set": "Правила", "counts": "Итоги", "undo": "Отменить",
            "undo_question": "Отменить этот пакет? Созданные клиенты будут удалены, изменённые восстановлены, корректировки баланса отменены.",
            "undone": "Пакет отменён.", "format": "Формат", "download": "Скачать",
            "marketing_sources": "Источники рекламы", "price_types": "Типы цен", "custom_fields": "Дополнительные поля",
            "roles": "Роли", "employees": "Сотрудники", "add": "Добавить", "type": "Тип", "role": "Роль",
            "can_adjust_balance": "Может корректировать баланс", "can_manage_settings": "Может менять настройки",
            "yes": "да", "no": "нет", "sign_in_failed": "Неверное имя или пароль.",
            "too_many": "Слишком много неудачных входов для этого имени: подождите несколько минут.",
            "forbidden": "Ваша роль не позволяет этого.", "expired_form": "Форма устарела: обновите страницу и повторите.",
            "not_found": "Не найдено.", "busy": "Другой импорт пишет в базу: повторите через несколько секунд.",
            "progress": "Выполняется…", "cancel": "Отмена", "back": "Назад", "phone": "Телефон", "notes": "Заметки", "address": "Адрес",
            "last_name": "Фамилия", "skip_link": "К содержимому", "none_sure": "Формат файла не распознан уверенно.",
        ],
        "uk": [
            "clients": "Клієнти", "sign_in": "Увійти", "sign_out": "Вийти", "name": "Ім'я", "password": "Пароль",
            "import": "Імпорт", "export": "Експорт", "template": "Шаблон імпорту", "history": "Історія", "settings": "Налаштування",
            "search": "Знайти", "search_hint": "Ім'я, телефон або email", "previous": "Назад", "next": "Далі",
            "page": "Сторінка", "of": "з", "id": "ID", "phones": "Телефони", "email": "Email", "balance": "Баланс",
            "owes_you": "винен вам", "you_owe": "ви винні", "conflicted": "Конфліктний", "no_clients": "Клієнтів не знайдено.",
            "field": "Поле", "value": "Значення", "balance_history": "Історія балансу", "amount": "Сума", "comment": "Коментар",
            "batch": "Пакет", "date": "Дата", "file": "Файл (XLSX, CSV або vCard)", "language": "Мова",
            "on_duplicate": "Новий клієнт з тим самим телефоном або email", "dup_create": "все одно створити",
            "dup_skip": "пропустити рядок", "dup_update": "оновити іншого клієнта", "check": "Перевірити файл",
            "check_again": "Перевірити знову", "confirm": "Імпортувати", "errors": "Помилки", "warnings": "Попередження",
            "row": "Рядок", "column": "Стовпець", "cell": "Клітинка", "message": "Повідомлення", "bad_rows": "Рядки з помилками",
            "fix_hint": "Виправте клітинки, позначені червоним, і перевірте знову.", "plugin": "Прочитано плагіном",
            "checked_ok": "Помилок немає. Поки нічого не змінено: натисніть «Імпортувати».",
            "rejected": "У файлі є помилки; нічого не змінено.", "imported": "Імпортовано", "created": "створено",
            "updated": "оновлено", "unchanged": "без змін", "corrections": "коригувань балансу", "rows": "рядків",
            "see_batch": "Відкрити пакет в історії", "error_workbook": "Завантажити ваші рядки з позначеними помилками",
            "who": "Хто", "when": "Коли", "rule_set": "Правила", "counts": "Підсумки", "undo": "Скасувати",
            "undo_question": "Скасувати цей пакет? Створених клієнтів буде видалено, змінених відновлено, коригування балансу скасовано.",
            "undone": "Пакет скасовано.", "format": "Формат", "download": "Завантажити",
            "marketing_sources": "Джерела реклами", "price_types": "Типи цін", "custom_fields": "Додаткові поля",
            "roles": "Ролі", "employees": "Співробітники", "add": "Додати", "type": "Тип", "role": "Роль",
            "can_adjust_balance": "Може коригувати баланс", "can_manage_settings": "Може змінювати налаштування",
            "yes": "так", "no": "ні", "sign_in_failed": "Невірне ім'я або пароль.",
            "too_many": "Забагато невдалих входів для цього імені: зачекайте кілька хвилин.",
            "forbidden": "Ваша роль не дозволяє цього.", "expired_form": "Форма застаріла: оновіть сторінку й повторіть.",
            "not_found": "Не знайдено.", "busy": "Інший імпорт пише в базу: повторіть за кілька секунд.",
            "progress": "Виконується…", "cancel": "Скасувати", "back": "Назад", "phone": "Телефон", "notes": "Нотатки", "address": "Адреса",
            "last_name": "Прізвище", "skip_link": "До вмісту", "none_sure": "Формат файлу не розпізнано впевнено.",
        ],
    ]
}
