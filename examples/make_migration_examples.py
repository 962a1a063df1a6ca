"""Writes the sample exports the migration plugins are tested with (examples/*.csv, *.vcf).

Each is hand-made to the exporting system's layout (see the header comment of plugins/<name>.lua)
with Cyrillic and French accents, several phones and missing fields. Run:
python3 examples/make_migration_examples.py. The files are committed; this script documents
how they were made.
"""
import csv
import io
from pathlib import Path

HERE = Path(__file__).parent


def write_csv(name, headers, rows, delimiter=",", encoding="utf-8", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    data = buffer.getvalue().encode(encoding)
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


GOOGLE = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
    "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title",
    "Organization Department", "Birthday", "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
    "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
    "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
    "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
    "Address 1 - Extended Address", "Website 1 - Label", "Website 1 - Value",
]
write_csv("google-contacts.csv", GOOGLE, [
    {"First Name": "Élodie", "Middle Name": "Marie", "Last Name": "Lefèvre", "Organization Name": "Atelier Émile",
     "Notes": "Écran cassé, rappeler", "Labels": "* myContacts ::: Fidèles",
     "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "elodie@atelier-emile.example.fr",
     "E-mail 2 - Label": "Home", "E-mail 2 - Value": "elodie.lefevre@example.fr",
     "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+33 6 12 34 56 78 ::: +33 6 98 76 54 32",
     "Phone 2 - Label": "Work", "Phone 2 - Value": "+33 1 40 00 00 00",
     "Address 1 - Label": "Home", "Address 1 - Formatted": "12 rue de la Paix\n75002 Paris\nFrance",
     "Address 1 - Street": "12 rue de la Paix", "Address 1 - City": "Paris", "Address 1 - Postal Code": "75002",
     "Address 1 - Country": "France"},
    {"First Name": "Иван", "Last Name": "Петров", "Labels": "* myContacts",
     "E-mail 1 - Label": "* Home", "E-mail 1 - Value": "ivan.petrov@example.ru",
     "Phone 1 - Label": "* Mobile", "Phone 1 - Value": "+7 916 123-45-67"},
    {"Organization Name": "ООО Ромашка", "Phone 1 - Label": "Work", "Phone 1 - Value": "+7 495 123 45 67",
     "Address 1 - Street": "ул. Ленина, 1", "Address 1 - City": "Москва", "Address 1 - Postal Code": "101000",
     "Address 1 - Country": "Россия", "Website 1 - Value": "https://romashka.example.ru"},
    {"Birthday": "1990-05-01", "Labels": "* myContacts"},
])

OUTLOOK = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
    "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
    "Business Postal Code", "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3", "Home City",
    "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3",
    "Other City", "Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone", "Business Fax",
    "Business Phone", "Business Phone 2", "Callback", "Car Phone", "Company Main Phone", "Home Fax", "Home Phone",
    "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone",
    "TTY/TDD Phone", "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
    "Business Address PO Box", "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type",
    "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address",
    "E-mail 3 Type", "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box",
    "Initials", "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
    "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private", "Profession",
    "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4", "Web Page",
]
assert len(OUTLOOK) == 92
write_csv("outlook.csv", OUTLOOK, [
    {"First Name": "François", "Last Name": "Müller-Côté", "Company": "Garage Côté", "Job Title": "Gérant",
     "Business Street": "5 place d'Armes", "Business City": "Québec", "Business State": "QC",
     "Business Postal Code": "G1R 4S9", "Business Country/Region": "Canada",
     "Home Street": "8 rue Saint-Jean", "Home City": "Québec", "Home Postal Code": "G1R 1N8",
     "Business Phone": "+1 418 555 0100", "Mobile Phone": "+1 418 555 0199", "Home Phone": "",
     "E-mail Address": "francois@garage-cote.example.ca", "E-mail Type": "SMTP",
     "E-mail Display Name": "François Müller-Côté (francois@garage-cote.example.ca)",
     "E-mail 2 Address": "f.muller@example.ca", "Notes": "Préfère être appelé le matin",
     "Categories": "Clients;VIP", "Gender": "Unspecified", "Sensitivity": "Normal", "Priority": "Normal",
     "Private": "False"},
    {"First Name": "Олена", "Last Name": "Коваленко", "Mobile Phone": "+380 50 123 45 67",
     "Home Phone": "+380 44 234 56 78", "E-mail Address": "olena@example.ua",
     "Home Street": "вул. Хрещатик, 1", "Home City": "Київ", "Home Postal Code": "01001",
     "Home Country/Region": "Україна", "Gender": "Unspecified", "Sensitivity": "Normal", "Priority": "Normal",
     "Private": "False"},
    {"Company": "Réparations Dubois SARL", "Company Main Phone": "+33 4 72 00 00 00",
     "Business Street": "3 avenue Foch", "Business City": "Lyon", "Business Postal Code": "69006",
     "Gender": "Unspecified", "Sensitivity": "Normal", "Priority": "Normal", "Private": "False"},
])

HUBSPOT = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Company Name",
    "Street Address", "City", "State/Region", "Postal Code", "Country/Region", "Contact owner", "Lifecycle Stage",
    "Create Date", "Last Activity Date", "Lead Status", "Marketing contact status",
]
write_csv("hubspot.csv", HUBSPOT, [
    {"Record ID": "51", "First Name": "Zoé", "Last Name": "Fontaine", "Email": "zoe.fontaine@example.fr",
     "Phone Number": "+33 1 42 00 00 01", "Mobile Phone Number": "+33 6 11 22 33 44", "Company Name": "Café Zoé",
     "Street Address": "4 rue de Rivoli", "City": "Paris", "Postal Code": "75004", "Country/Region": "France",
     "Contact owner": "Jean Dupont", "Lifecycle Stage": "Customer", "Create Date": "2023-04-01 10:12",
     "Marketing contact status": "Non-marketing contact"},
    {"Record ID": "52", "First Name": "Дмитрий", "Last Name": "Соколов", "Mobile Phone Number": "+7 921 765-43-21",
     "Lifecycle Stage": "Lead", "Create Date": "2024-01-15 09:00"},
    {"Record ID": "53", "Email": "", "Lifecycle Stage": "Subscriber"},
])

ODOO = [
    "Name", "Is a Company", "Related Company", "Job Position", "Email", "Phone", "Mobile", "Street", "Street2",
    "City", "State", "Zip", "Country", "Website", "Tax ID", "Tags", "Notes", "Salesperson",
]
write_csv("odoo.csv", ODOO, [
    {"Name": "Boulangerie Hélène", "Is a Company": "True", "Email": "contact@boulangerie-helene.example.fr",
     "Phone": "+33 5 56 00 00 00", "Street": "10 cours de l'Intendance", "City": "Bordeaux", "Zip": "33000",
     "Country": "France", "Tax ID": "FR40303265045", "Tags": "Fournisseur,Fidèle"},
    {"Name": "Hélène Girard", "Is a Company": "False", "Related Company": "Boulangerie Hélène",
     "Job Position": "Gérante", "Email": "helene@boulangerie-helene.example.fr", "Phone": "+33 5 56 00 00 01",
     "Mobile": "+33 6 55 44 33 22", "Notes": "Ne pas appeler après 18 h"},
    {"Name": "Сергей Кузнецов", "Is a Company": "False", "Mobile": "+7 903 111-22-33", "Street": "пр. Мира, 15",
     "Street2": "кв. 4", "City": "Санкт-Петербург", "Zip": "197101", "Country": "Russia"},
])

REPAIRSHOPR = [
    "id", "firstname", "lastname", "fullname", "business_name", "email", "phone", "mobile", "address", "address_2",
    "city", "state", "zip", "notes", "get_sms", "opt_out", "no_email", "referred_by", "created_at", "updated_at",
]
write_csv("repairshopr.csv", REPAIRSHOPR, [
    {"id": "1001", "firstname": "Chloé", "lastname": "Bérubé", "fullname": "Chloé Bérubé", "email": "chloe@example.ca",
     "phone": "514-555-0142", "mobile": "514-555-0188", "address": "1200 rue Sainte-Catherine",
     "address_2": "App. 3", "city": "Montréal", "state": "QC", "zip": "H3B 1K9", "notes": "iPhone 12 — écran",
     "get_sms": "true", "opt_out": "false", "no_email": "false", "referred_by": "Google",
     "created_at": "2023-02-11T10:00:00-05:00", "updated_at": "2024-03-01T12:00:00-05:00"},
    {"id": "1002", "business_name": "Électro Plus Inc.", "fullname": "Électro Plus Inc.",
     "email": "service@electroplus.example.com", "phone": "(418) 555-0111", "city": "Lévis", "state": "QC",
     "get_sms": "false", "opt_out": "false", "no_email": "false"},
    {"id": "1003", "firstname": "Анна", "lastname": "Смирнова", "fullname": "Анна Смирнова", "mobile": "+7 999 000-11-22",
     "get_sms": "true", "opt_out": "false", "no_email": "true"},
])

LIVESKLAD = [
    "ID", "Тип клиента", "ФИО", "Организация", "Телефон", "Доп. телефон", "E-mail", "Адрес", "Источник",
    "Скидка, %", "Баланс", "Комментарий", "Дата создания",
]
write_csv("livesklad.csv", LIVESKLAD, [
    {"ID": "17", "Тип клиента": "Физ. лицо", "ФИО": "Сидоров Пётр Алексеевич", "Телефон": "+7 (912) 345-67-89",
     "Доп. телефон": "8 343 222-33-44", "E-mail": "petr.sidorov@example.ru", "Адрес": "Екатеринбург, ул. Мира, 5",
     "Источник": "Авито", "Скидка, %": "5", "Баланс": "1 250,50", "Комментарий": "Ноутбук Asus, ждёт запчасть",
     "Дата создания": "12.03.2024"},
    {"ID": "18", "Тип клиента": "Юр. лицо", "ФИО": "Кравец Олег", "Организация": "ООО «Ёлка»",
     "Телефон": "+7 343 300-40-50", "E-mail": "info@yolka.example.ru", "Баланс": "-300",
     "Дата создания": "01.04.2024"},
    {"ID": "19", "Тип клиента": "Физ. лицо", "ФИО": "Жанна", "Телефон": "+7 900 555-66-77", "Баланс": "0",
     "Дата создания": "02.04.2024"},
], delimiter=";", encoding="cp1251")

ORDERRY_ES = [
    "ID de cliente", "Nombre", "Apellido", "Organización", "Teléfono", "Dirección", "Email", "Persona jurídica",
    "Proveedor", "Conflictivo", "Notas", "Fuente de publicidad", "Tarjeta de descuento", "Saldo",
]
write_csv("remonline-orderry.csv", ORDERRY_ES, [
    {"ID de cliente": "3001", "Nombre": "José", "Apellido": "Núñez", "Teléfono": "+34 612 345 678, +34 913 000 000",
     "Dirección": "Calle Mayor 1, Madrid", "Email": "jose.nunez@example.es", "Notas": "Cliente desde 2020",
     "Fuente de publicidad": "Instagram", "Tarjeta de descuento": "TD-77", "Saldo": "45,90"},
    {"ID de cliente": "3002", "Nombre": "Inés", "Apellido": "García", "Organización": "Reparaciones Çelik S.L.",
     "Teléfono": "+34 934 111 222", "Email": "compras@celik.example.es", "Persona jurídica": "Sí",
     "Proveedor": "Sí", "Saldo": "-120"},
    {"ID de cliente": "3003", "Nombre": "Мария", "Apellido": "Иванова", "Teléfono": "+7 916 000-00-01",
     "Conflictivo": "Sí"},
])

# examples/vcard.vcf is written by hand (three versions, quoted-printable, folding); it is
# not generated here so that its bytes stay exactly as phones write them.
