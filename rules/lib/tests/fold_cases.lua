-- The one table of header folds: { input, folded } pairs that Lua's `text.fold`
-- (rules/lib/tests/text_test.lua) and Swift's header matching (Tests/ImporterTests/
-- TextFoldTests.swift) must both give. Add a case here, never to one side only.
return {
  { "Name", "name" },
  { "  PHONE   NUMBER ", "phone number" },
  { "E-Mail\tAddress", "e-mail address" },
  { "Numéro DE TÉLÉPHONE", "numéro de téléphone" },
  { "ÉCOLE À ÇA ÊTRE ÎLE ÔTER ÙNE ÜBER ËLLE ÏLE", "école à ça être île ôter ùne über ëlle ïle" },
  { "ŒUVRE Ÿ ÆON ØRE ÅS ÑO ÞORN ÐAL", "œuvre ÿ æon øre ås ño þorn ðal" },
  { "Solde dû", "solde dû" },
  { "Ĺ Ľ Ň Ź Ż Ž Ā Ę Ł Ś", "ĺ ľ ň ź ż ž ā ę ł ś" },
  { "× ÷ ß", "× ÷ ß" },
  { "ID КЛИЕНТА", "id клиента" },
  { "ЁЛКА ЪЫЬЭЮЯ", "ёлка ъыьэюя" },
  { "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩ", "абвгдежзийклмнопрстуфхцчшщ" },
  { "ID КЛІЄНТА", "id клієнта" },
  { "ЇЖАК ҐАНОК ЄВРО ІМ'Я", "їжак ґанок євро ім'я" },
  { "ЂЃЅЈЉЊЋЌЎЏ", "ђѓѕјљњћќўџ" },
  { "Ѣ Ѳ Ѵ Ҙ Ӂ Ӑ Ӏ", "ѣ ѳ ѵ ҙ ӂ ӑ ӏ" },
  { "Téléphone\u{00A0}1", "téléphone 1" },
  { "Nom\u{202F}:", "nom :" },
  { "Solde\u{2007}dû\u{3000}", "solde dû" },
  { "Line\u{2028}Break", "line break" },
  { "\u{00A0}\u{00A0}", "" },
  { "", "" },
  { "déjà vu", "déjà vu" },
  { "123 ABC-def_GHI", "123 abc-def_ghi" },
}
