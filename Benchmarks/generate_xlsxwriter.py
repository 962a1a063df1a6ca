#!/usr/bin/env python3
"""Writes a client sheet with xlsxwriter, as another program would, for the reader benchmark.

    python3 Benchmarks/generate_xlsxwriter.py ROWS OUTDIR

produces OUTDIR/xlsxwriter-ROWS.xlsx: 20 columns like generate.py's reader layout, but most text
Cyrillic (names, streets, cities, notes, car models), every row's e-mail and address distinct,
phones as text, written by xlsxwriter's normal mode — shared strings numbered in the order the
rows first use them, `<si><t>` items without `xml:space`, `spans` on every row, the styles and
parts xlsxwriter writes. The normal mode keeps the whole sheet in memory (about 5 GB and a few
minutes at 1M rows); constant_memory mode would write inline strings instead.
"""
import os
import random
import sys

import xlsxwriter

HEADERS = ["ID клиента", "Имя", "Фамилия", "Телефон", "Адрес", "Email", "Юр. лицо", "Поставщик",
           "Конфликтный", "Примечание", "Источник", "Дисконтная карта", "Скидка на товары",
           "Скидка на услуги", "Скидка на материалы", "Тип цен продажи", "Тип цен заказов",
           "Баланс", "Модель авто", "День рождения"]

FIRST = ["Катерина", "Олег", "Мария", "Сергій", "Наталья", "Юрій", "Олександр", "Анна", "Дмитрий",
         "Ірина", "Володимир", "Світлана", "Андрей", "Ольга", "Максим", "Тетяна", "Léa", "Hugo"]
LAST = ["Шевченко", "Коваленко", "Бондаренко", "Іваненко", "Смирнов", "Кузнецов", "Попова",
        "Ткаченко", "Кравченко", "Соколов", "Морозова", "Лисенко", "Martin", "Dubois"]
STREETS = ["вул. Хрещатик", "пр. Миру", "вул. Шевченка", "ул. Ленина", "вул. Франка",
           "ул. Пушкина", "просп. Перемоги", "вул. Лесі Українки"]
CITIES = ["Київ", "Львів", "Одеса", "Харків", "Дніпро", "Москва", "Казань", "Запоріжжя"]
SOURCES = ["Инстаграм", "Гугл", "Рекомендация", "С улицы", "Фейсбук", "Листовка", ""]
PRICES = ["Розница", "Опт", "VIP", ""]
CARS = ["Рено Клио", "Шкода Октавия", "ВАЗ 2107", "Тойота Королла", "Киа Рио", ""]
YES = ["Да", "", "", "", "Так", "Yes"]
NOTES = ["", "", "звонить после 18:00", "предпочитает почту", "экран менял дважды",
         "Постійний клієнт", "", "должен за батарею", "VIP — обращаться бережно", ""]


def phone(rnd):
    n = rnd.randrange(10**8, 10**9)
    if rnd.randrange(3) == 0:
        return f"+380 {n // 10**7:02d} {n // 10**4 % 1000:03d} {n // 100 % 100:02d} {n % 100:02d}"
    if rnd.randrange(2) == 0:
        return f"8 (9{n // 10**7 % 100:02d}) {n // 10**4 % 1000:03d}-{n // 100 % 100:02d}-{n % 100:02d}"
    return f"0{n}"


def client(rnd, i):
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    phones = ", ".join(phone(rnd) for _ in range(rnd.choice([1, 1, 1, 2])))
    return [
        i, first, last, phones,
        f"{rnd.choice(STREETS)}, {rnd.randrange(1, 200)}, кв. {rnd.randrange(1, 300)}, {rnd.choice(CITIES)}",
        f"client{i}@example.com",
        rnd.choice(YES), rnd.choice(YES), rnd.choice(YES), rnd.choice(NOTES), rnd.choice(SOURCES),
        f"ДК-{rnd.randrange(10**6):06d}" if rnd.random() < 0.4 else "",
        rnd.choice([0, 0, 5, 10, 15, 2.5]), rnd.choice([0, 0, 5, 10]), rnd.choice([0, 0, 3, 7.5]),
        rnd.choice(PRICES), rnd.choice(PRICES),
        round(rnd.uniform(-5000, 5000), 2) if rnd.random() < 0.7 else 0,
        rnd.choice(CARS), 25000 + rnd.randrange(20000),
    ]


def main():
    rows, outdir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, f"xlsxwriter-{rows}.xlsx")
    rnd = random.Random(42)
    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    sheet = workbook.add_worksheet("Клиенты")
    date = workbook.add_format({"num_format": "dd.mm.yyyy"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, HEADERS)
    for r in range(1, rows + 1):
        values = client(rnd, r)
        for c, v in enumerate(values):
            if v == "":
                continue
            if c == 19:
                sheet.write_number(r, c, v, date)
            elif c == 17:
                sheet.write_number(r, c, v, money)
            elif isinstance(v, str):
                sheet.write_string(r, c, v)
            else:
                sheet.write_number(r, c, v)
    workbook.close()
    print(path)


if __name__ == "__main__":
    main()
